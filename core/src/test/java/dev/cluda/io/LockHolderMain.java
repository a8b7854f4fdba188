package dev.cluda.io;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A second process for {@link RunDirectoryLockTest}: locks the run directory given as its
 * argument, prints {@code LOCKED}, and exits without closing the lock once its stdin closes, so
 * the OS has to release it.
 */
final class LockHolderMain {

    private LockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        RunDirectoryLock lock = RunDirectoryLock.acquire(new LocalFileStore(), args[0]);
        System.out.println("LOCKED " + ProcessHandle.current().pid() + " advisory=" + lock.advisory());
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        Runtime.getRuntime().halt(0);
    }
}

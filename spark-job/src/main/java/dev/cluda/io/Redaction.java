package dev.cluda.io;

import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in text bound for a log, a configuration dump ({@code config.conf}) or an error
 * message. Two passes: every known secret value (an access key, a secret key) is replaced
 * wherever it occurs, then the value of every sensitive assignment is replaced whatever it is:
 * {@code fs.s3a.secret.key=...}, {@code "spark.hadoop.fs.s3a.access.key" : "..."},
 * {@code AWS_SECRET_ACCESS_KEY=...}, Hadoop XML {@code <name>fs.s3a.secret.key</name><value>...},
 * and the user-info part of a URI ({@code s3a://KEY:SECRET@bucket/}).
 *
 * <p>A key is sensitive if its name contains {@code secret}, {@code password}, a session, auth or
 * access {@code token}, {@code access.key}/{@code access_key}/{@code accessKey},
 * {@code encryption.key} or {@code credential} (not {@code credentials.provider}), in any case and
 * with any prefix ({@code fs.s3a.bucket.NAME.secret.key} included). A nested rendering such as
 * HOCON's {@code secret { key = "..." }} has no such assignment: build the redaction with
 * {@link #withSecretsOf} from the flattened configuration, so its values are masked by value.
 */
public final class Redaction {

    /** What every masked value becomes. */
    public static final String MASK = "<redacted>";

    /** A sensitive key name: any prefix, a sensitive word, any suffix; not a credentials provider. */
    private static final String KEY = "[A-Za-z0-9_.\\-]*(?i:secret|password|passwd"
            + "|(?:session|auth|access|bearer|api|delegation)[._\\-]?token"
            + "|access[._\\-]?key|encryption[._\\-]?key|credential(?!s?[._\\-]?provider))[A-Za-z0-9_.\\-]*";
    private static final Pattern SENSITIVE_KEY = Pattern.compile(KEY);
    /** {@code key = value}, {@code key: value}, {@code "key" : "value"}, {@code --key=value}. */
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?<key>[\"']?" + KEY + "[\"']?\\s*[=:]\\s*)"
                    + "(?<value>\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|[^\\s,;{}\\[\\]&\"'<>]+)");
    /** Hadoop's configuration XML. */
    private static final Pattern XML = Pattern.compile(
            "(?<key><name>\\s*" + KEY + "\\s*</name>\\s*<value>)(?<value>[^<]+)(?=</value>)");
    /** {@code scheme://user:password@host}. */
    private static final Pattern USER_INFO = Pattern.compile(
            "(?<key>\\b[a-zA-Z][a-zA-Z0-9+.\\-]*://)(?<value>[^/@\\s\"'<>]+)(?=@)");

    private static final Redaction PATTERNS_ONLY = new Redaction(List.of());

    private final List<String> secrets;

    private Redaction(List<String> secrets) {
        this.secrets = secrets;
    }

    /** Masks sensitive assignments and URI credentials only (no known values). */
    public static Redaction patternsOnly() {
        return PATTERNS_ONLY;
    }

    /**
     * Masks {@code secrets} wherever they occur, plus everything {@link #patternsOnly()} masks.
     * Null and empty values are ignored.
     */
    public static Redaction of(Collection<String> secrets) {
        List<String> values = new ArrayList<>();
        for (String s : secrets) {
            if (s != null && !s.isEmpty() && !values.contains(s)) {
                values.add(s);
            }
        }
        // Longest first, so a secret containing another is masked whole.
        values.sort(Comparator.comparingInt(String::length).reversed());
        return new Redaction(List.copyOf(values));
    }

    /**
     * The secrets of this process's environment and system properties ({@link S3Settings}'s
     * variables and {@code AWS_SESSION_TOKEN}), for error messages printed by the command line.
     */
    public static Redaction forEnvironment() {
        return forEnvironment(System.getenv(), System.getProperties());
    }

    static Redaction forEnvironment(Map<String, String> env, Map<?, ?> properties) {
        List<String> values = new ArrayList<>();
        for (String name : List.of(S3Settings.ENV_ACCESS_KEY, S3Settings.ENV_SECRET_KEY, "AWS_SESSION_TOKEN")) {
            values.add(env.get(name));
        }
        for (String name : List.of(S3Settings.PROP_ACCESS_KEY, S3Settings.PROP_SECRET_KEY)) {
            Object v = properties.get(name);
            values.add(v == null ? null : v.toString());
        }
        return of(values);
    }

    /** This redaction plus {@code more} secret values. */
    public Redaction with(Collection<String> more) {
        List<String> all = new ArrayList<>(secrets);
        all.addAll(more);
        return of(all);
    }

    /**
     * This redaction plus the values of every sensitive key of {@code entries}: a Hadoop
     * {@code Configuration}, a {@code Config.entrySet()} (values unwrapped), a properties map.
     */
    public Redaction withSecretsOf(Iterable<? extends Map.Entry<String, ?>> entries) {
        List<String> more = new ArrayList<>();
        for (Map.Entry<String, ?> e : entries) {
            Object value = e.getValue() instanceof ConfigValue v ? v.unwrapped() : e.getValue();
            if (value != null && isSensitiveKey(e.getKey())) {
                more.add(value.toString());
            }
        }
        return with(more);
    }

    /** True if a configuration key or variable name holds a secret (see the class comment). */
    public static boolean isSensitiveKey(String key) {
        return key != null && SENSITIVE_KEY.matcher(key).matches();
    }

    /** {@code text} with every secret masked; null stays null. */
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, MASK);
        }
        out = mask(XML, out, false);
        out = mask(USER_INFO, out, false);
        return mask(ASSIGNMENT, out, true);
    }

    /** The message of {@code error} and of each of its causes, masked, one per line. */
    public String redactMessages(Throwable error) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!sb.isEmpty()) {
                sb.append(System.lineSeparator()).append("caused by: ");
            }
            sb.append(t.getClass().getName()).append(": ").append(redact(Objects.toString(t.getMessage(), "")));
        }
        return sb.toString();
    }

    private static String mask(Pattern pattern, String text, boolean keepQuotes) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        do {
            String value = m.group("value");
            String masked = MASK;
            if (keepQuotes && value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')) {
                masked = value.charAt(0) + MASK + value.charAt(0);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group("key") + masked));
        } while (m.find());
        m.appendTail(sb);
        return sb.toString();
    }
}

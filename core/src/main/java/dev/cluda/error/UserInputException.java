package dev.cluda.error;

/**
 * A bad argument, value or combination of options the user gave; the message names it and says
 * what is accepted. It extends {@link IllegalArgumentException} so that code validating input
 * keeps its documented contract; what makes it a user error is {@link UserError}.
 */
public final class UserInputException extends IllegalArgumentException implements UserError {

    private static final long serialVersionUID = 1L;

    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}

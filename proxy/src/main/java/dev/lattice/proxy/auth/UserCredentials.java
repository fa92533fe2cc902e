package dev.lattice.proxy.auth;

/** What the proxy knows of one user: a SCRAM verifier and, when md5 is configured, PostgreSQL's md5 hash. */
public record UserCredentials(String name, ScramVerifier scram, String md5) {

    /** From a plain password: both forms derived at start-up, the password itself not kept. */
    public static UserCredentials fromPassword(String name, String password) {
        return new UserCredentials(name, ScramVerifier.fromPassword(password), Md5Authenticator.hash(name, password));
    }
}

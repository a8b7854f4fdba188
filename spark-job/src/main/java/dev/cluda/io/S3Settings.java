package dev.cluda.io;

import dev.cluda.error.UserInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Where the S3 service is and who we are there: the Hadoop s3a settings that every
 * {@code s3a://} path of the configuration and the command line is read and written with.
 *
 * <p>Read by {@link #fromEnvironment()}; a system property overrides its environment variable:
 * <pre>
 * CLUDA_S3_ENDPOINT      cluda.s3.endpoint    http(s)://host:port of an S3-compatible service;
 *                                             unset: AWS. http turns SSL off.
 * AWS_REGION             cluda.s3.region      signing region; default us-east-1 with an endpoint,
 *   (or AWS_DEFAULT_REGION)                   else left to Hadoop and the AWS SDK
 * CLUDA_S3_PATH_STYLE    cluda.s3.pathStyle   true|false; default true with an endpoint, else
 *                                             left to Hadoop (virtual-host style)
 * AWS_ACCESS_KEY_ID      cluda.s3.accessKey   with the secret key: static credentials
 * AWS_SECRET_ACCESS_KEY  cluda.s3.secretKey   (prefer the variable: properties show in ps)
 * </pre>
 * Nothing set, nothing is changed: AWS with Hadoop's defaults. Without keys the credentials
 * provider is left to Hadoop's default chain (environment variables, instance profile). {@link #toString()} and every error message name variables, never values;
 * {@link #redaction()} masks the keys in any other text.
 */
public final class S3Settings {

    public static final String ENV_ENDPOINT = "CLUDA_S3_ENDPOINT";
    public static final String ENV_REGION = "AWS_REGION";
    public static final String ENV_DEFAULT_REGION = "AWS_DEFAULT_REGION";
    public static final String ENV_PATH_STYLE = "CLUDA_S3_PATH_STYLE";
    public static final String ENV_ACCESS_KEY = "AWS_ACCESS_KEY_ID";
    public static final String ENV_SECRET_KEY = "AWS_SECRET_ACCESS_KEY";
    public static final String PROP_ENDPOINT = "cluda.s3.endpoint";
    public static final String PROP_REGION = "cluda.s3.region";
    public static final String PROP_PATH_STYLE = "cluda.s3.pathStyle";
    public static final String PROP_ACCESS_KEY = "cluda.s3.accessKey";
    public static final String PROP_SECRET_KEY = "cluda.s3.secretKey";

    /** The region of an endpoint when none is given. */
    public static final String DEFAULT_REGION = "us-east-1";
    /** The provider of static keys. */
    public static final String SIMPLE_CREDENTIALS_PROVIDER = "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider";

    public static final String ENDPOINT = "fs.s3a.endpoint";
    public static final String REGION = "fs.s3a.endpoint.region";
    public static final String PATH_STYLE_ACCESS = "fs.s3a.path.style.access";
    public static final String SSL_ENABLED = "fs.s3a.connection.ssl.enabled";
    public static final String CREDENTIALS_PROVIDER = "fs.s3a.aws.credentials.provider";
    public static final String ACCESS_KEY = "fs.s3a.access.key";
    public static final String SECRET_KEY = "fs.s3a.secret.key";
    /** The prefix that turns a Hadoop key into a Spark configuration key. */
    public static final String SPARK_HADOOP_PREFIX = "spark.hadoop.";

    private final String endpoint;
    private final String region;
    private final Boolean pathStyleAccess;
    private final String accessKey;
    private final String secretKey;

    private S3Settings(Builder b) {
        this.endpoint = b.endpoint;
        this.region = b.region != null || b.endpoint == null ? b.region : DEFAULT_REGION;
        this.pathStyleAccess = b.pathStyleAccess != null || b.endpoint == null ? b.pathStyleAccess : Boolean.TRUE;
        this.accessKey = b.accessKey;
        this.secretKey = b.secretKey;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The settings of this process: environment variables, overridden by system properties. */
    public static S3Settings fromEnvironment() {
        return from(System.getenv(), System.getProperties());
    }

    /**
     * The settings given by {@code env} (variable names) and {@code properties} (system property
     * names), a property overriding its variable; blank values count as unset.
     *
     * @throws IllegalArgumentException naming the variable that is malformed or missing its partner
     */
    public static S3Settings from(Map<String, String> env, Map<?, ?> properties) {
        Builder b = builder();
        String endpoint = pick(env, properties, ENV_ENDPOINT, PROP_ENDPOINT);
        if (endpoint != null) {
            b.optEndpoint(endpoint);
        }
        String region = pick(env, properties, ENV_REGION, PROP_REGION);
        if (region == null) {
            region = pick(env, properties, ENV_DEFAULT_REGION, PROP_REGION);
        }
        if (region != null) {
            b.optRegion(region);
        }
        String pathStyle = pick(env, properties, ENV_PATH_STYLE, PROP_PATH_STYLE);
        if (pathStyle != null) {
            String p = pathStyle.toLowerCase(Locale.ROOT);
            if (!p.equals("true") && !p.equals("false")) {
                throw new UserInputException(ENV_PATH_STYLE + " (or -D" + PROP_PATH_STYLE
                        + ") must be true or false, got '" + pathStyle + "'");
            }
            b.optPathStyleAccess(Boolean.parseBoolean(p));
        }
        String access = pick(env, properties, ENV_ACCESS_KEY, PROP_ACCESS_KEY);
        String secret = pick(env, properties, ENV_SECRET_KEY, PROP_SECRET_KEY);
        if ((access == null) != (secret == null)) {
            String set = access == null ? ENV_SECRET_KEY : ENV_ACCESS_KEY;
            String unset = access == null ? ENV_ACCESS_KEY : ENV_SECRET_KEY;
            throw new UserInputException(set + " is set but " + unset
                    + " is not: set both (static keys) or neither (Hadoop's default credential chain)");
        }
        if (access != null) {
            b.optCredentials(access, secret);
        }
        return b.build();
    }

    private static String pick(Map<String, String> env, Map<?, ?> properties, String var, String prop) {
        Object p = properties.get(prop);
        String value = p != null ? p.toString() : env.get(var);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The endpoint URL, or null for AWS's own. */
    public String endpoint() {
        return endpoint;
    }

    /** The signing region, or null to leave it to Hadoop and the AWS SDK. */
    public String region() {
        return region;
    }

    /** True for {@code endpoint/bucket/key} addressing. */
    public boolean pathStyleAccess() {
        return Boolean.TRUE.equals(pathStyleAccess);
    }

    /** False only for an {@code http:} endpoint. */
    public boolean sslEnabled() {
        return endpoint == null || endpoint.regionMatches(true, 0, "https:", 0, 6);
    }

    /** True if static keys are set (and the simple credentials provider is used). */
    public boolean hasCredentials() {
        return accessKey != null;
    }

    /**
     * The s3a keys and values that are set, in a stable order; includes the keys: never log it
     * unredacted.
     */
    public Map<String, String> hadoopProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        if (endpoint != null) {
            p.put(ENDPOINT, endpoint);
        }
        if (region != null) {
            p.put(REGION, region);
        }
        if (pathStyleAccess != null) {
            p.put(PATH_STYLE_ACCESS, pathStyleAccess.toString());
        }
        if (endpoint != null) {
            p.put(SSL_ENABLED, Boolean.toString(sslEnabled()));
        }
        if (accessKey != null) {
            p.put(CREDENTIALS_PROVIDER, SIMPLE_CREDENTIALS_PROVIDER);
            p.put(ACCESS_KEY, accessKey);
            p.put(SECRET_KEY, secretKey);
        }
        return p;
    }

    /** {@link #hadoopProperties()} under {@code spark.hadoop.}, for a SparkConf or a session builder. */
    public Map<String, String> sparkProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        hadoopProperties().forEach((k, v) -> p.put(SPARK_HADOOP_PREFIX + k, v));
        return p;
    }

    /** Sets {@link #hadoopProperties()} on {@code conf} and returns it. */
    public Configuration applyTo(Configuration conf) {
        hadoopProperties().forEach((k, v) -> conf.set(k, v, "cluda S3Settings"));
        return conf;
    }

    /** Masks these keys, and every sensitive assignment, in text bound for logs or messages. */
    public Redaction redaction() {
        ArrayList<String> secrets = new ArrayList<>();
        secrets.add(accessKey);
        secrets.add(secretKey);
        return Redaction.of(secrets);
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + (endpoint == null ? "AWS" : Redaction.patternsOnly().redact(endpoint))
                + ", region=" + (region == null ? "default" : region) + ", pathStyleAccess=" + pathStyleAccess()
                + ", ssl=" + sslEnabled()
                + ", credentials=" + (accessKey == null ? "default chain" : "static keys " + Redaction.MASK) + "]";
    }

    /** Builds {@link S3Settings}; everything is optional. */
    public static final class Builder {
        private String endpoint;
        private String region;
        private Boolean pathStyleAccess;
        private String accessKey;
        private String secretKey;

        private Builder() {
        }

        /** An S3-compatible service, {@code http(s)://host[:port]}; default: AWS. */
        public Builder optEndpoint(String url) {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new UserInputException("S3 endpoint is not a URL (" + ENV_ENDPOINT + "): "
                        + Redaction.patternsOnly().redact(url) + "; expected http(s)://host[:port]");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
                    || uri.getUserInfo() != null) {
                throw new UserInputException("S3 endpoint must be http(s)://host[:port] without credentials ("
                        + ENV_ENDPOINT + "), got " + Redaction.patternsOnly().redact(url));
            }
            this.endpoint = url;
            return this;
        }

        /** The signing region; default {@value S3Settings#DEFAULT_REGION} with an endpoint, else unset. */
        public Builder optRegion(String name) {
            if (name == null || name.isBlank()) {
                throw new UserInputException("S3 region must not be blank (" + ENV_REGION + ")");
            }
            this.region = name;
            return this;
        }

        /** {@code bucket} in the path, not the host name; default: true with an endpoint, else unset. */
        public Builder optPathStyleAccess(boolean value) {
            this.pathStyleAccess = value;
            return this;
        }

        /** Static keys, read by Hadoop's SimpleAWSCredentialsProvider; default: its default chain. */
        public Builder optCredentials(String access, String secret) {
            if (access == null || access.isBlank() || secret == null || secret.isBlank()) {
                throw new UserInputException("S3 credentials need both an access key (" + ENV_ACCESS_KEY
                        + ") and a secret key (" + ENV_SECRET_KEY + ")");
            }
            this.accessKey = access;
            this.secretKey = secret;
            return this;
        }

        public S3Settings build() {
            return new S3Settings(this);
        }
    }
}

package dev.cluda.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an HTML page would load from elsewhere: every {@code src}, {@code href}, {@code srcset},
 * {@code action}, {@code poster} and {@code data} attribute, CSS {@code url(...)} and
 * {@code @import} whose target is not a {@code data:} URI or an {@code #anchor}.
 */
public final class HtmlReferences {

    private static final Pattern TAG = Pattern.compile("<[a-zA-Z][^>]*>");
    private static final Pattern STYLE_BLOCK = Pattern.compile("<style[^>]*>(.*?)</style>",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern ATTRIBUTE = Pattern.compile(
            "\\s(?:src|href|srcset|action|poster|data)\\s*=\\s*(\"[^\"]*\"|'[^']*'|[^\\s>]+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CSS_URL = Pattern.compile("url\\(\\s*([\"']?)([^\"')]*)\\1\\s*\\)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CSS_IMPORT = Pattern.compile("@import[^;]*", Pattern.CASE_INSENSITIVE);

    private HtmlReferences() {
    }

    /** The targets the page would fetch, from its tags and style sheets (not its text); empty for a self-contained page. */
    public static List<String> external(String html) {
        List<String> out = new ArrayList<>();
        Matcher tag = TAG.matcher(html);
        while (tag.find()) {
            Matcher a = ATTRIBUTE.matcher(tag.group());
            while (a.find()) {
                String v = a.group(1);
                if (v.startsWith("\"") || v.startsWith("'")) {
                    v = v.substring(1, v.length() - 1);
                }
                add(out, v);
            }
            css(out, tag.group());
        }
        Matcher style = STYLE_BLOCK.matcher(html);
        while (style.find()) {
            css(out, style.group(1));
        }
        return out;
    }

    private static void css(List<String> out, String css) {
        Matcher u = CSS_URL.matcher(css);
        while (u.find()) {
            add(out, u.group(2));
        }
        Matcher i = CSS_IMPORT.matcher(css);
        while (i.find()) {
            out.add(i.group());
        }
    }

    private static void add(List<String> out, String target) {
        String t = target.trim().toLowerCase(Locale.ROOT);
        if (!t.startsWith("data:") && !t.startsWith("#")) {
            out.add(target.length() > 80 ? target.substring(0, 80) + "..." : target);
        }
    }
}

package dev.lattice.proxy;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.json.Json;

/** A browser-like client of the console's API: it keeps the session cookie and sends the CSRF token it got. */
final class ConsoleClient {

    private static final Json JSON = new Json();

    private final String base;
    private final HttpClient http;
    String csrf;

    ConsoleClient(int port) {
        this.base = "http://127.0.0.1:" + port;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    HttpResponse<String> login(String user, String password) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/api/login", "user=" + enc(user) + "&password=" + enc(password), null);
        if (r.statusCode() == 200) {
            csrf = (String) map(r.body()).get("csrf");
        }
        return r;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GET of a JSON document that must succeed. */
    Map<String, Object> json(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return map(r.body());
    }

    /** An action with this client's CSRF token. */
    HttpResponse<String> act(String path, String form) throws IOException, InterruptedException {
        return post(path, form, csrf);
    }

    HttpResponse<String> post(String path, String form, String csrfToken) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form == null ? "" : form));
        if (csrfToken != null) {
            b.header("X-Lattice-CSRF", csrfToken);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(String json) {
        return JSON.toType(json, Map.class);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> doc, String key) {
        return (List<Map<String, Object>>) doc.get(key);
    }

    /** The node of /api/cluster with that name. */
    static Map<String, Object> node(Map<String, Object> cluster, String name) {
        return list(cluster, "nodes").stream().filter(n -> name.equals(n.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + name + " in " + cluster));
    }

    static long number(Object o) {
        return o == null ? -1 : ((Number) o).longValue();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

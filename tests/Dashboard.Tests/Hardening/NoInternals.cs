namespace X0tta6bl4.Ops.Dashboard.Tests.Hardening;

/// <summary>What must never reach a client outside Development: stack traces, exception types, SQL, connection strings.</summary>
internal static class NoInternals
{
    private static readonly string[] Forbidden =
    [
        "   at ", "Exception", "System.", "X0tta6bl4.Ops.", "Microsoft.", "Sqlite", "SQLite", "Npgsql", "no such table",
        "SELECT ", "INSERT ", "UPDATE ", " FROM ", "Data Source", "Host=", "Password=", "StackTrace", "stack trace",
    ];

    public static void In(string body, string context)
    {
        foreach (var word in Forbidden)
        {
            Assert.False(body.Contains(word, StringComparison.Ordinal), $"{context}: the answer holds '{word}':\n{body}");
        }
    }

    /// <summary>A Prometheus error envelope with one of Prometheus's error types and a reason.</summary>
    public static void PrometheusError(HttpResponseMessage response, string body, string context)
    {
        In(body, context);
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"{context}: {(int)response.StatusCode} with '{response.Content.Headers.ContentType}':\n{body}");
        var json = System.Text.Json.JsonDocument.Parse(body).RootElement;
        Assert.Equal("error", json.GetProperty("status").GetString());
        Assert.Contains(json.GetProperty("errorType").GetString(), (string[])["bad_data", "execution", "timeout", "unavailable", "internal", "not_found"]);
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("error").GetString()), context);
    }
}

using StackExchange.Redis;

namespace X0tta6bl4.Ops.Collector.Sources.Redis;

/// <summary>
/// Turns the library's exceptions into one line a person can act on. Its own messages run to a thousand
/// characters of pool and thread statistics, so we keep the failure kind and the answer under it (Redis's
/// error reply, the socket's or TLS's error), and take the password out of anything we pass on.
/// </summary>
internal static class RedisFailure
{
    /// <param name="lastFailure">
    /// Why the connection last dropped or a reconnect last failed: fresher than what a command finds
    /// when it has no connection to run on.
    /// </param>
    public static SourceException Describe(string endpoint, ConfigurationOptions config, Exception e, Exception? lastFailure = null)
    {
        var cause = e is RedisConnectionException && lastFailure is not null ? lastFailure : e;
        var answer = Answer(cause) is { } a ? Redact(a, config.Password) : null;
        return new($"Redis at {endpoint} {What(config, cause, answer)}", e);
    }

    private static string What(ConfigurationOptions config, Exception e, string? answer)
    {
        // The library reports a refused certificate as an authentication failure too, so TLS comes first.
        if (Deepest<System.Security.Authentication.AuthenticationException>(e) is not null)
        {
            return $"failed the TLS handshake ({answer}; is Sources:Redis:TlsCaFile its CA?)";
        }

        if (answer?.StartsWith("NOPERM", StringComparison.Ordinal) == true)
        {
            return $"refuses user '{config.User ?? "default"}' a command the collector needs ({answer}; it needs +info +ping)";
        }

        var connection = Deepest<RedisConnectionException>(e);
        var noAuth = answer?.StartsWith("NOAUTH", StringComparison.Ordinal) == true;
        if (noAuth || answer?.StartsWith("WRONGPASS", StringComparison.Ordinal) == true
            || connection?.FailureType == ConnectionFailureType.AuthenticationFailure)
        {
            // The library sends AUTH without waiting for its answer: a refused one may show as NOAUTH on
            // the next handshake command.
            return config.Password is null
                ? $"wants a password and none is set ({answer ?? "NOAUTH"})"
                : $"refused the {Credentials(config)} ({answer ?? "authentication failed"}{(noAuth ? ", after AUTH" : "")})";
        }

        if (e is TimeoutException)
        {
            return $"did not answer INFO within {config.AsyncTimeout / 1000.0:0.#} s";
        }

        return connection is not null
            ? $"is unreachable ({connection.FailureType}{(answer is null ? "" : ": " + answer)})"
            : $"answered INFO with an error: {answer ?? e.Message}";
    }

    private static string Credentials(ConfigurationOptions config) =>
        config.User is null ? "password" : $"user '{config.User}' or its password";

    private static T? Deepest<T>(Exception e) where T : Exception
    {
        T? found = null;
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            found = x as T ?? found;
        }

        return found;
    }

    /// <summary>
    /// The first sentence of the deepest message the library did not write: Redis's reply ("WRONGPASS
    /// invalid username-password pair …", "NOPERM …") or the socket's ("Connection refused"); null if none.
    /// </summary>
    private static string? Answer(Exception e)
    {
        string? text = null;
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is not RedisConnectionException)
            {
                text = x.Message;
            }
        }

        if (text is null)
        {
            return null;
        }

        foreach (var prefix in new[] { "SimpleError: ", "BulkError: " })
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                text = text[prefix.Length..];
            }
        }

        var end = text.IndexOf(". ", StringComparison.Ordinal);
        text = (end < 0 ? text : text[..end]).TrimEnd('.');
        return text.Length <= 200 ? text : text[..200] + "…";
    }

    private static string Redact(string text, string? password) =>
        string.IsNullOrEmpty(password) ? text : text.Replace(password, "***", StringComparison.Ordinal);
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Sources.Prometheus;

/// <summary>One element of an instant-vector result.</summary>
public sealed record PromVectorSample(IReadOnlyList<Label> Metric, long TimestampMs, double Value)
{
    public string? Label(string name) => Metric.FirstOrDefault(l => l.Name == name).Value;
}

public sealed record PromQueryResult(IReadOnlyList<PromVectorSample> Samples, IReadOnlyList<string> Warnings);

/// <summary>One series of a range result.</summary>
public sealed record PromRangeSeries(IReadOnlyList<Label> Metric, IReadOnlyList<(long TimestampMs, double Value)> Points);

/// <summary>Prometheus answered with an error envelope (errorType/error) or something that is not its API.</summary>
public sealed class PrometheusApiException(string message, string? errorType = null, bool transient = false) : Exception(message)
{
    public string? ErrorType { get; } = errorType;

    /// <summary>The server was busy or unreachable, not told a bad query (the HttpClient's pipeline has already retried it).</summary>
    public bool Transient { get; } = transient;
}

/// <summary>
/// A typed client for the Prometheus HTTP API (<c>/api/v1/query</c> …), as Prometheus, Thanos, Mimir and
/// VictoriaMetrics serve it. Retries, timeouts and the circuit breaker belong to the HttpClient's pipeline
/// (<see cref="PrometheusHttp"/>), the base path and headers to its configuration; this reads what comes back.
/// </summary>
/// <param name="maxGetUrlLength">Queries whose GET URL would be longer are POSTed as a form; 0 POSTs all.</param>
/// <param name="partialResponse">Ask for partial answers (Thanos's <c>partial_response=true</c>) with every query; see <see cref="PrometheusSourceOptions.PartialResponse"/>.</param>
public sealed class PrometheusClient(HttpClient http, int maxGetUrlLength = PrometheusSourceOptions.DefaultMaxGetUrlLength, bool partialResponse = false)
{
    private readonly HttpClient _http = http;

    /// <summary>What VictoriaMetrics (cluster) reports as <c>isPartial: true</c>, as a warning: some storage nodes did not answer.</summary>
    public const string PartialResponseWarning = "partial response: some storage nodes did not answer (isPartial)";

    /// <summary>Runs an instant query. Scalars come back as one sample without labels.</summary>
    public async Task<PromQueryResult> QueryAsync(string promql, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string> { ["query"] = promql };
        if (at is not null)
        {
            form["time"] = (at.Value.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
        }

        using var document = await SendAsync("api/v1/query", form, cancellationToken);
        var data = document.RootElement.GetProperty("data");
        var warnings = ReadWarnings(document.RootElement);
        var resultType = data.GetProperty("resultType").GetString();
        var result = data.GetProperty("result");
        var samples = new List<PromVectorSample>();
        switch (resultType)
        {
            case "vector":
                foreach (var item in result.EnumerateArray())
                {
                    var (ts, value) = ReadPoint(item.GetProperty("value"));
                    samples.Add(new PromVectorSample(ReadMetric(item.GetProperty("metric")), ts, value));
                }

                break;
            case "scalar":
                var (sts, svalue) = ReadPoint(result);
                samples.Add(new PromVectorSample([], sts, svalue));
                break;
            default:
                throw new PrometheusApiException($"Expected an instant vector from '{promql}', got a {resultType}.");
        }

        return new PromQueryResult(samples, warnings);
    }

    /// <summary>Prometheus refuses a range of more than 11,000 points per series; longer ranges are read in pieces.</summary>
    public const int MaxPointsPerSeries = 11_000;

    /// <summary>Runs a range query, split into requests of at most <see cref="MaxPointsPerSeries"/> steps and stitched per series.</summary>
    public async Task<IReadOnlyList<PromRangeSeries>> QueryRangeAsync(string promql, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken)
    {
        if (step <= TimeSpan.Zero || to < from)
        {
            throw new ArgumentException("A range query needs a positive step and an end after its start.");
        }

        var bySeries = new Dictionary<string, (IReadOnlyList<Label> Metric, List<(long, double)> Points)>(StringComparer.Ordinal);
        var chunk = step * (MaxPointsPerSeries - 1);
        for (var start = from; start <= to; start += chunk + step)
        {
            var end = start + chunk < to ? start + chunk : to;
            var form = new Dictionary<string, string>
            {
                ["query"] = promql,
                ["start"] = Seconds(start),
                ["end"] = Seconds(end),
                ["step"] = step.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
            };
            using var document = await SendAsync("api/v1/query_range", form, cancellationToken);
            var data = document.RootElement.GetProperty("data");
            if (data.GetProperty("resultType").GetString() != "matrix")
            {
                throw new PrometheusApiException($"Expected a matrix from '{promql}'.");
            }

            foreach (var item in data.GetProperty("result").EnumerateArray())
            {
                var metric = ReadMetric(item.GetProperty("metric"));
                var id = Metrics.Model.SeriesKey.FormatLabels(metric.OrderBy(l => l.Name, StringComparer.Ordinal));
                var entry = bySeries.TryGetValue(id, out var e) ? e : bySeries[id] = (metric, []);
                foreach (var point in item.GetProperty("values").EnumerateArray())
                {
                    entry.Points.Add(ReadPoint(point));
                }
            }
        }

        return bySeries.Values.Select(v => new PromRangeSeries(v.Metric, v.Points)).ToList();
    }

    public async Task<IReadOnlyList<PromTarget>> TargetsAsync(CancellationToken cancellationToken)
    {
        using var document = await GetAsync("api/v1/targets?state=active", cancellationToken);
        return document.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().Select(t =>
        {
            var labels = ReadMetric(t.GetProperty("labels"));
            return new PromTarget(
                labels.FirstOrDefault(l => l.Name == "job").Value ?? "",
                labels.FirstOrDefault(l => l.Name == "instance").Value ?? "",
                t.TryGetProperty("scrapeUrl", out var url) ? url.GetString() ?? "" : "",
                t.GetProperty("health").GetString() ?? "unknown",
                t.TryGetProperty("lastError", out var error) ? error.GetString() ?? "" : "",
                t.TryGetProperty("lastScrape", out var last) && last.TryGetDateTimeOffset(out var at) && at.Year > 1 ? at : null,
                t.TryGetProperty("lastScrapeDuration", out var duration) ? duration.GetDouble() : 0);
        }).ToList();
    }

    public async Task<IReadOnlyList<PromAlert>> AlertsAsync(CancellationToken cancellationToken)
    {
        using var document = await GetAsync("api/v1/alerts", cancellationToken);
        return document.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray().Select(a =>
        {
            var labels = ReadMetric(a.GetProperty("labels"));
            var summary = a.TryGetProperty("annotations", out var annotations) && annotations.TryGetProperty("summary", out var s) ? s.GetString() : null;
            return new PromAlert(
                labels.FirstOrDefault(l => l.Name == "alertname").Value ?? "",
                a.GetProperty("state").GetString() ?? "",
                labels,
                a.TryGetProperty("activeAt", out var active) && active.TryGetDateTimeOffset(out var at) ? at : null,
                summary);
        }).ToList();
    }

    public async Task<IReadOnlyList<PromRule>> RulesAsync(CancellationToken cancellationToken)
    {
        using var document = await GetAsync("api/v1/rules", cancellationToken);
        var rules = new List<PromRule>();
        foreach (var group in document.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray())
        {
            var groupName = group.GetProperty("name").GetString() ?? "";
            foreach (var rule in group.GetProperty("rules").EnumerateArray())
            {
                rules.Add(new PromRule(
                    groupName,
                    rule.GetProperty("name").GetString() ?? "",
                    rule.GetProperty("type").GetString() ?? "",
                    rule.TryGetProperty("health", out var h) ? h.GetString() ?? "unknown" : "unknown",
                    rule.TryGetProperty("lastError", out var e) ? e.GetString() : null,
                    rule.GetProperty("query").GetString() ?? "",
                    rule.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : null));
            }
        }

        return rules;
    }

    private static string Seconds(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private Task<JsonDocument> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(path, null, cancellationToken);

    /// <param name="form">The query's parameters: sent in the URL when it stays within the GET limit, else POSTed; null for a plain GET.</param>
    private async Task<JsonDocument> SendAsync(string path, Dictionary<string, string>? form, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            if (form is null)
            {
                response = await _http.GetAsync(path, cancellationToken);
            }
            else
            {
                if (partialResponse)
                {
                    form["partial_response"] = "true";
                }

                using var content = new FormUrlEncodedContent(form);
                var encoded = await content.ReadAsStringAsync(cancellationToken);
                var url = path + "?" + encoded;
                var length = _http.BaseAddress is { } baseAddress ? new Uri(baseAddress, url).AbsoluteUri.Length : url.Length;
                response = maxGetUrlLength > 0 && length <= maxGetUrlLength
                    ? await _http.GetAsync(url, cancellationToken)
                    : await _http.PostAsync(path, new FormUrlEncodedContent(form), cancellationToken);
            }
        }
        catch (HttpRequestException e)
        {
            throw new PrometheusApiException($"Prometheus at {_http.BaseAddress} is unreachable: {e.Message}", transient: true);
        }
        catch (TimeoutRejectedException e)
        {
            throw new PrometheusApiException($"Prometheus at {_http.BaseAddress} did not answer {path} within {e.Timeout.TotalSeconds:0.#} s", transient: true);
        }
        catch (BrokenCircuitException)
        {
            throw new PrometheusApiException(
                $"Prometheus at {_http.BaseAddress} is not asked for now: too many of its recent requests failed (circuit open)", transient: true);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body);
            }
            catch (JsonException)
            {
                var transient = response.StatusCode >= HttpStatusCode.InternalServerError;
                throw new PrometheusApiException(
                    $"{path} answered {(int)response.StatusCode} with a body that is not JSON: {Excerpt(body)}", transient: transient);
            }

            var root = document.RootElement;
            var status = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("status", out var s) ? s.GetString() : null;
            if (status == "success" && root.TryGetProperty("data", out _))
            {
                return document;
            }

            using (document)
            {
                if (status == "error")
                {
                    var errorType = root.TryGetProperty("errorType", out var t) ? t.GetString() : null;
                    var error = root.TryGetProperty("error", out var m) ? m.GetString() : null;
                    // 503 "unavailable" and timeouts are the server's trouble; bad_data is ours.
                    var transient = errorType is "unavailable" or "timeout" || response.StatusCode == HttpStatusCode.ServiceUnavailable;
                    throw new PrometheusApiException($"Prometheus {errorType}: {error}", errorType, transient);
                }

                throw new PrometheusApiException($"{path} answered {(int)response.StatusCode} without a Prometheus envelope: {Excerpt(body)}");
            }
        }
    }

    /// <summary>Prometheus's (and Thanos's, Mimir's) <c>warnings</c>, and VictoriaMetrics' <c>isPartial: true</c> as one more.</summary>
    private static IReadOnlyList<string> ReadWarnings(JsonElement root)
    {
        var list = root.TryGetProperty("warnings", out var warnings) && warnings.ValueKind == JsonValueKind.Array
            ? warnings.EnumerateArray().Select(w => w.ValueKind == JsonValueKind.String ? w.GetString() ?? "" : w.GetRawText()).Where(w => w.Length > 0).ToList()
            : [];
        if (root.TryGetProperty("isPartial", out var partial) && partial.ValueKind == JsonValueKind.True)
        {
            list.Add(PartialResponseWarning);
        }

        return list;
    }

    private static IReadOnlyList<Label> ReadMetric(JsonElement metric) =>
        metric.EnumerateObject().Select(p => new Label(p.Name, p.Value.GetString() ?? string.Empty)).ToList();

    /// <summary>A point is [unix seconds as a number, value as a string] — the string may be "NaN", "+Inf", "-Inf".</summary>
    private static (long TimestampMs, double Value) ReadPoint(JsonElement point)
    {
        if (point.ValueKind != JsonValueKind.Array || point.GetArrayLength() != 2)
        {
            throw new PrometheusApiException("A result point is not a [time, value] pair.");
        }

        var seconds = point[0].GetDouble();
        var text = point[1].GetString() ?? throw new PrometheusApiException("A result value is not a string.");
        return ((long)Math.Round(seconds * 1000), ParseValue(text));
    }

    public static double ParseValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw new PrometheusApiException($"'{Excerpt(text)}' is not a sample value."),
    };

    private static string Excerpt(string text) => text.Length <= 120 ? text : text[..120] + "…";
}

using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.QueryApi;

/// <summary>
/// A read-only subset of the Prometheus HTTP API over the store: /api/v1/query and /api/v1/query_range
/// for series selectors, /api/v1/series, /api/v1/labels, /api/v1/label/{name}/values; format=csv for
/// the two queries. Differences from Prometheus: only selectors (no functions). A query and a range query give
/// Prometheus's value at t: the newest sample in (t − 5 min, t], at every step while the raw samples are kept; where
/// only the rollup tiers hold a series' hours, a range query sees no sample exactly at t (<see cref="RangePoints"/>).
/// </summary>
public static class QueryApiEndpoints
{
    public static readonly long LookbackMs = 300_000;

    public static IEndpointRouteBuilder MapQueryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").DisableAntiforgery().RequireAuthorization(X0tta6bl4.Ops.Dashboard.Hosting.AuthServiceCollectionExtensions.ApiPolicy)
;
        api.WithRequestTimeout(QueryApiLimits.TimeoutPolicy).AddEndpointFilter(QueryApiLimits.CatchErrorsAsync);
        foreach (var method in new[] { "GET", "POST" })
        {
            api.MapMethods("/query", [method], Query);
            api.MapMethods("/query_range", [method], QueryRange);
            api.MapMethods("/series", [method], Series);
            api.MapMethods("/labels", [method], Labels);
        }

        api.MapGet("/label/{name}/values", LabelValues);
        // Anything else under /api/v1 (a path that matches no endpoint, an empty label name) answers in the envelope too.
        api.MapFallback("{**path}", () => PromResponses.Error("not_found", "no such endpoint in this API (see the README's query API section)", StatusCodes.Status404NotFound));
        return app;
    }

    /// <summary>Parameters from the query string or a form body, as Prometheus takes them.</summary>
    private static async Task<Func<string, string?>> ParametersAsync(HttpRequest request, CancellationToken ct)
    {
        var form = request.HasFormContentType ? await request.ReadFormAsync(ct) : null;
        return name => form?[name].FirstOrDefault() ?? request.Query[name].FirstOrDefault();
    }

    private static async Task<IResult> Query(HttpRequest request, IMetricStore store, TimeProvider time, IOptions<QueryApiOptions> limits, CancellationToken ct)
    {
        var p = await ParametersAsync(request, ct);
        if (!TryParseSelector(p("query"), limits.Value, out var selector, out var error))
        {
            return error!;
        }

        var at = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (p("time") is { } t && !PromResponses.TryParseTime(t, out at))
        {
            return PromResponses.Error("bad_data", $"invalid parameter \"time\": cannot parse \"{t}\" to a valid timestamp");
        }

        var series = await store.QueryRangeAsync(new RangeQuery(selector!, at - LookbackMs + 1, at, LookbackMs, Aggregation.Last), ct);
        if (TooManyPoints(series, limits.Value) is { } tooMany)
        {
            return tooMany;
        }

        var samples = series.Select(s => (s.Key, Value: s.Points[^1].Value)).ToList();
        return p("format") == "csv"
            ? PromResponses.Csv(samples.Select(s => (s.Key, at, s.Value)))
            : PromResponses.Success("vector", samples.Select(s => new { metric = PromResponses.Metric(s.Key), value = PromResponses.Point(at, s.Value) }));
    }

    private static async Task<IResult> QueryRange(HttpRequest request, IMetricStore store, IOptions<QueryApiOptions> limits, CancellationToken ct)
    {
        var p = await ParametersAsync(request, ct);
        if (!TryParseSelector(p("query"), limits.Value, out var selector, out var error))
        {
            return error!;
        }

        if (!PromResponses.TryParseTime(p("start"), out var start))
        {
            return PromResponses.Error("bad_data", $"invalid parameter \"start\": cannot parse \"{p("start")}\" to a valid timestamp");
        }

        if (!PromResponses.TryParseTime(p("end"), out var end))
        {
            return PromResponses.Error("bad_data", $"invalid parameter \"end\": cannot parse \"{p("end")}\" to a valid timestamp");
        }

        if (!PromResponses.TryParseStep(p("step"), out var step))
        {
            return PromResponses.Error("bad_data", $"invalid parameter \"step\": cannot parse \"{p("step")}\" to a valid duration");
        }

        if (end < start)
        {
            return PromResponses.Error("bad_data", "end timestamp must not be before start time");
        }

        if ((end - start) / step > 11_000)
        {
            return PromResponses.Error("bad_data", "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        }

        var series = await RangePoints.ReadAsync(store, selector!, start, end, step, LookbackMs, ct);
        if (TooManyPoints(series, limits.Value) is { } tooMany)
        {
            return tooMany;
        }

        return p("format") == "csv"
            ? PromResponses.Csv(series.SelectMany(s => s.Points.Select(pt => (s.Key, pt.TimestampMs, pt.Value))))
            : PromResponses.Matrix(series);
    }

    private static async Task<IResult> Series(HttpRequest request, IMetricStore store, IOptions<QueryApiOptions> limits, CancellationToken ct)
    {
        var form = request.HasFormContentType ? await request.ReadFormAsync(ct) : null;
        var matches = (form?["match[]"] ?? default).Concat(request.Query["match[]"]).Where(m => m is not null).ToList();
        if (matches.Count == 0)
        {
            return PromResponses.Error("bad_data", "no match[] parameter provided");
        }

        var keys = new List<SeriesKey>();
        foreach (var match in matches)
        {
            if (!TryParseSelector(match, limits.Value, out var selector, out var error))
            {
                return error!;
            }

            keys.AddRange(await store.ListSeriesAsync(selector!, ct));
            if (keys.Count > limits.Value.MaxPoints)
            {
                return TooMany(keys.Count, "series", limits.Value);
            }
        }

        return PromResponses.Data(keys.Distinct().Select(PromResponses.Metric));
    }

    private static async Task<IResult> Labels(IMetricStore store, CancellationToken ct)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal) { "__name__" };
        foreach (var name in await store.ListNamesAsync(ct))
        {
            foreach (var key in await store.ListSeriesAsync(new SeriesSelector(name), ct))
            {
                names.UnionWith(key.Labels.Select(l => l.Name));
            }
        }

        return PromResponses.Data(names);
    }

    private static async Task<IResult> LabelValues(string name, IMetricStore store, CancellationToken ct)
    {
        var metricNames = await store.ListNamesAsync(ct);
        if (name == "__name__")
        {
            return PromResponses.Data(metricNames);
        }

        var values = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var metric in metricNames)
        {
            foreach (var key in await store.ListSeriesAsync(new SeriesSelector(metric), ct))
            {
                if (key[name] is { } value)
                {
                    values.Add(value);
                }
            }
        }

        return PromResponses.Data(values);
    }

    /// <summary>
    /// An answer beyond QueryApi:MaxPoints is refused as Prometheus refuses one beyond --query.max-samples (422, execution).
    /// The 11,000-step cap bounds each series; this bounds their number times their points.
    /// </summary>
    private static IResult? TooManyPoints(IReadOnlyList<RangeSeries> series, QueryApiOptions limits)
    {
        long points = 0;
        foreach (var s in series)
        {
            points += s.Points.Count;
        }

        return points > limits.MaxPoints ? TooMany(points, "points", limits) : null;
    }

    private static IResult TooMany(long count, string what, QueryApiOptions limits) =>
        PromResponses.Error("execution",
            $"the answer would hold {count:N0} {what}, more than the {limits.MaxPoints:N0} allowed (QueryApi:MaxPoints); narrow the selector or use a larger step",
            StatusCodes.Status422UnprocessableEntity);

    private static bool TryParseSelector(string? query, QueryApiOptions limits, out SeriesSelector? selector, out IResult? error)
    {
        selector = null;
        error = null;
        if (string.IsNullOrWhiteSpace(query))
        {
            error = PromResponses.Error("bad_data", "invalid parameter \"query\": no query given");
            return false;
        }

        if (query.Length > limits.MaxQueryLength)
        {
            error = PromResponses.Error("bad_data", $"invalid parameter \"query\": {query.Length:N0} characters, more than the {limits.MaxQueryLength:N0} allowed (QueryApi:MaxQueryLength)");
            return false;
        }

        try
        {
            selector = SelectorParser.Parse(query);
            return true;
        }
        catch (FormatException e)
        {
            error = PromResponses.Error("bad_data", e.Message);
            return false;
        }
    }
}

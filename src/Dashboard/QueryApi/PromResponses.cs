using System.Globalization;
using System.Text;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Dashboard.QueryApi;

/// <summary>The Prometheus HTTP API's envelope and value formats, so Prometheus clients (and Grafana) read ours.</summary>
public static class PromResponses
{
    public static IResult Success(string resultType, object result) =>
        Results.Json(new { status = "success", data = new { resultType, result } });

    public static IResult Data(object data) => Results.Json(new { status = "success", data });

    /// <summary>A matrix, each point reported at its time.</summary>
    public static IResult Matrix(IReadOnlyList<X0tta6bl4.Ops.Metrics.Store.RangeSeries> series) => new MatrixResult(series);

    /// <summary>The most bytes <see cref="FormatPoint"/> writes.</summary>
    public const int MaxPointBytes = 96;

    /// <summary><c>[unix seconds,"value"]</c> as UTF-8 into <paramref name="buffer"/>: what <see cref="Point"/> gives, without allocating.</summary>
    public static ReadOnlySpan<byte> FormatPoint(Span<byte> buffer, long timestampMs, double value)
    {
        buffer[0] = (byte)'[';
        var n = 1;
        if (timestampMs % 1000 == 0)
        {
            (timestampMs / 1000).TryFormat(buffer[n..], out var written, default, CultureInfo.InvariantCulture);
            n += written;
        }
        else
        {
            (timestampMs / 1000.0).TryFormat(buffer[n..], out var written, "R", CultureInfo.InvariantCulture);
            n += written;
        }

        buffer[n++] = (byte)',';
        buffer[n++] = (byte)'"';
        if (double.IsFinite(value))
        {
            n += FloatText.Format(value, buffer[n..]);
        }
        else
        {
            n += Encoding.ASCII.GetBytes(Value(value), buffer[n..]);
        }

        buffer[n++] = (byte)'"';
        buffer[n++] = (byte)']';
        return buffer[..n];
    }

    /// <summary>errorType as Prometheus names them: bad_data for the request's fault, execution / internal for ours.</summary>
    public static IResult Error(string errorType, string error, int status = StatusCodes.Status400BadRequest) =>
        Results.Json(new { status = "error", errorType, error }, statusCode: status);

    /// <summary>The same envelope, written outside an endpoint (timeouts, refusals, exceptions while answering).</summary>
    public static Task WriteErrorAsync(HttpContext context, string errorType, string error, int status)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { status = "error", errorType, error });
    }

    public static Dictionary<string, string> Metric(SeriesKey key)
    {
        var metric = new Dictionary<string, string> { ["__name__"] = key.Name };
        foreach (var label in key.Labels)
        {
            metric[label.Name] = label.Value;
        }

        return metric;
    }

    /// <summary>[unix seconds, "value"] with Prometheus's spellings of the special values.</summary>
    public static object[] Point(long timestampMs, double value) => [timestampMs / 1000.0, Value(value)];

    public static string Value(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>One row per point: series, timestamp (RFC 3339), unix seconds, value.</summary>
    public static IResult Csv(IEnumerable<(SeriesKey Key, long TimestampMs, double Value)> rows)
    {
        var text = new StringBuilder("series,timestamp,unix_seconds,value\n");
        foreach (var (key, ts, value) in rows)
        {
            text.Append('"').Append(key.ToString().Replace("\"", "\"\"")).Append("\",")
                .Append(DateTimeOffset.FromUnixTimeMilliseconds(ts).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)).Append(',')
                .Append((ts / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)).Append(',')
                .Append(Value(value)).Append('\n');
        }

        return Results.Text(text.ToString(), "text/csv; charset=utf-8");
    }

    // Times a DateTimeOffset can hold (years 1–9999), so every time read can be written back as RFC 3339.
    private static readonly long MinTimeMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxTimeMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    // A step beyond ten years cannot make a second point of any range worth asking for, and keeps arithmetic on times far from overflow.
    private const long MaxStepMs = 10L * 366 * 86_400_000;

    /// <summary>Reads a time as Prometheus accepts it: unix seconds (fractions allowed) or RFC 3339, within years 1–9999.</summary>
    public static bool TryParseTime(string? text, out long ms)
    {
        ms = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
        {
            var rounded = Math.Round(seconds * 1000);
            if (rounded < MinTimeMs || rounded > MaxTimeMs)
            {
                return false;
            }

            ms = (long)rounded;
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            ms = at.ToUnixTimeMilliseconds();
            return true;
        }

        return false;
    }

    /// <summary>A step as Prometheus accepts it: seconds ("15", "0.5") or a duration ("15s", "1m", "2h", "1d").</summary>
    public static bool TryParseStep(string? text, out long ms)
    {
        ms = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            var rounded = Math.Round(seconds * 1000);
            if (!(rounded > 0 && rounded <= MaxStepMs))
            {
                return false;
            }

            ms = (long)rounded;
            return true;
        }

        var unit = text[^1];
        var factor = unit switch { 's' => 1000L, 'm' => 60_000L, 'h' => 3_600_000L, 'd' => 86_400_000L, _ => 0L };
        if (factor > 0 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count > 0 && count <= MaxStepMs / factor)
        {
            ms = count * factor;
            return true;
        }

        return false;
    }
}

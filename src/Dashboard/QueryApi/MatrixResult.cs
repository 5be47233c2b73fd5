using System.Text.Json;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.QueryApi;

/// <summary>
/// A query_range answer: a long range is tens of thousands of points, and writing their text is most of the
/// time of answering. Each series is formatted into its own buffer — on every core when the answer is large —
/// and the buffers are written to the response in order.
/// </summary>
internal sealed class MatrixResult(IReadOnlyList<RangeSeries> series, long shiftMs) : IResult
{
    // Below this many points the work is too small to be worth handing to other threads.
    private const int ParallelFromPoints = 20_000;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var parts = new PooledBufferWriter[series.Count];
        if (series.Sum(s => s.Points.Count) >= ParallelFromPoints)
        {
            Parallel.For(0, series.Count, i => parts[i] = Format(series[i]));
        }
        else
        {
            for (var i = 0; i < series.Count; i++)
            {
                parts[i] = Format(series[i]);
            }
        }

        httpContext.Response.ContentType = "application/json; charset=utf-8";
        try
        {
            await WriteAsync(httpContext, parts);
        }
        finally
        {
            foreach (var part in parts)
            {
                part?.Dispose();
            }
        }
    }

    private static async Task WriteAsync(HttpContext httpContext, PooledBufferWriter[] parts)
    {
        await using var json = new Utf8JsonWriter(httpContext.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status", "success");
        json.WriteStartObject("data");
        json.WriteString("resultType", "matrix");
        json.WriteStartArray("result");
        foreach (var part in parts)
        {
            json.WriteRawValue(part.WrittenSpan, skipInputValidation: true);
            if (json.BytesPending > 32 * 1024)
            {
                await json.FlushAsync();
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync();
    }

    /// <summary>One series as a JSON object; each point is raw bytes formatted on the stack, no string per value.</summary>
    private PooledBufferWriter Format(RangeSeries line)
    {
        var buffer = new PooledBufferWriter(256 + line.Points.Count * 32);
        using var json = new Utf8JsonWriter(buffer);
        json.WriteStartObject();
        json.WriteStartObject("metric");
        json.WriteString("__name__", line.Key.Name);
        foreach (var label in line.Key.Labels)
        {
            json.WriteString(label.Name, label.Value);
        }

        json.WriteEndObject();
        json.WriteStartArray("values");
        Span<byte> point = stackalloc byte[96];
        foreach (var (ts, value) in line.Points)
        {
            json.WriteRawValue(PromResponses.FormatPoint(point, ts + shiftMs, value), skipInputValidation: true);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        return buffer;
    }
}

using System.Runtime.InteropServices;
using System.Text.Json;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.QueryApi;

/// <summary>
/// A query_range answer: a long range is tens of thousands of points, and writing their text is most of the
/// time of answering. A large answer is formatted series by series on every core, each into its own buffer; a
/// smaller one into a single buffer — fifty 8-kB buffers per answer outran the shared pool's per-core stock, and
/// allocating the rest (and collecting them) was a tenth of a 1-h query's time (dotnet-trace) — and the buffers are
/// written to the response in order.
/// </summary>
internal sealed class MatrixResult(IReadOnlyList<RangeSeries> series) : IResult
{
    // Below this many points the work is too small to be worth handing to other threads.
    private const int ParallelFromPoints = 20_000;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var points = series.Sum(s => s.Points.Count);
        PooledBufferWriter[] parts;
        if (points >= ParallelFromPoints)
        {
            parts = new PooledBufferWriter[series.Count];
            Parallel.For(0, series.Count, i =>
            {
                parts[i] = new PooledBufferWriter(BytesFor(series[i].Points.Count));
                Format(series[i], parts[i]);
            });
        }
        else
        {
            // The series' objects one after another, commas between: the writer below takes them as one raw value.
            parts = [new PooledBufferWriter(BytesFor(points) + 256 * series.Count)];
            for (var i = 0; i < series.Count; i++)
            {
                Format(series[i], parts[0]);
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
        foreach (var part in parts.Where(p => p.WrittenSpan.Length > 0))
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

    /// <summary>A buffer's first size for this many points: a point's text is rarely longer than 32 bytes.</summary>
    private static int BytesFor(int points) => 256 + points * 32;

    /// <summary>
    /// One series as a JSON object, appended to the buffer: its labels through a JSON writer, its points as raw bytes
    /// formatted straight into the buffer — a writer call per point was a third of formatting a 1-h answer (dotnet-trace).
    /// </summary>
    private void Format(RangeSeries line, PooledBufferWriter buffer)
    {
        // A series after another in the same buffer is separated from it by a comma.
        Append(buffer, buffer.WrittenSpan.IsEmpty ? "{\"metric\":"u8 : ",{\"metric\":"u8);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("__name__", line.Key.Name);
            foreach (var label in line.Key.Labels)
            {
                json.WriteString(label.Name, label.Value);
            }

            json.WriteEndObject();
        }

        Append(buffer, ",\"values\":["u8);
        var points = line.Points is List<Sample> list ? CollectionsMarshal.AsSpan(list) : line.Points.ToArray();
        for (var i = 0; i < points.Length; i++)
        {
            var span = buffer.GetSpan(PromResponses.MaxPointBytes + 1);
            var written = 0;
            if (i > 0)
            {
                span[written++] = (byte)',';
            }

            written += PromResponses.FormatPoint(span[written..], points[i].TimestampMs, points[i].Value).Length;
            buffer.Advance(written);
        }

        Append(buffer, "]}"u8);
    }

    private static void Append(PooledBufferWriter buffer, ReadOnlySpan<byte> text)
    {
        text.CopyTo(buffer.GetSpan(text.Length));
        buffer.Advance(text.Length);
    }
}

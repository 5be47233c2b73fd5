using Google.Protobuf;
using Snappier;

namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>
/// Builds Remote-Write 1.0 bodies as Prometheus sends them (prompb WriteRequest, labels sorted, snappy block), for the
/// receiver's tests and the benchmark. Written field by field like the decoder reads, from prompb's field numbers.
/// </summary>
public static class RemoteWriteRequests
{
    public sealed record Series(IReadOnlyList<(string Name, string Value)> Labels, IReadOnlyList<(double Value, long TimestampMs)> Samples);

    public static byte[] Protobuf(IEnumerable<Series> series)
    {
        return Message(request =>
        {
            foreach (var s in series)
            {
                request.WriteTag(1, WireFormat.WireType.LengthDelimited);
                request.WriteBytes(ByteString.CopyFrom(Message(ts =>
                {
                    foreach (var (name, value) in s.Labels.OrderBy(l => l.Name, StringComparer.Ordinal))
                    {
                        ts.WriteTag(1, WireFormat.WireType.LengthDelimited);
                        ts.WriteBytes(ByteString.CopyFrom(Message(label =>
                        {
                            label.WriteTag(1, WireFormat.WireType.LengthDelimited);
                            label.WriteString(name);
                            label.WriteTag(2, WireFormat.WireType.LengthDelimited);
                            label.WriteString(value);
                        })));
                    }

                    foreach (var (value, timestamp) in s.Samples)
                    {
                        ts.WriteTag(2, WireFormat.WireType.LengthDelimited);
                        ts.WriteBytes(ByteString.CopyFrom(Message(sample =>
                        {
                            sample.WriteTag(1, WireFormat.WireType.Fixed64);
                            sample.WriteDouble(value);
                            sample.WriteTag(2, WireFormat.WireType.Varint);
                            sample.WriteInt64(timestamp);
                        })));
                    }
                })));
            }
        });
    }

    public static byte[] Snappy(byte[] protobuf) => Snappier.Snappy.CompressToArray(protobuf);

    public static byte[] Body(IEnumerable<Series> series) => Snappy(Protobuf(series));

    /// <summary>The series of one scrape of a text exposition, as Prometheus would push it: job and instance added, and its report series.</summary>
    public static IReadOnlyList<Series> FromExposition(X0tta6bl4.Ops.Collector.Sources.Scrape.Exposition exposition, string job, string instance, long timestampMs)
    {
        var series = exposition.Samples.Select(s => new Series(
            [("__name__", s.Name), ("job", job), ("instance", instance), .. s.Labels.Select(l => (l.Name, l.Value))],
            [(s.Value, timestampMs)])).ToList();
        series.Add(new Series([("__name__", "up"), ("job", job), ("instance", instance)], [(1, timestampMs)]));
        series.Add(new Series([("__name__", "scrape_samples_post_metric_relabeling"), ("job", job), ("instance", instance)], [(exposition.Samples.Count, timestampMs)]));
        return series;
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(output);
        output.Flush();
        return buffer.ToArray();
    }
}

using System.Buffers;
using Google.Protobuf;
using Snappier;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.RemoteWrite;

/// <summary>One series of a remote-write request: its labels (sorted by name, as Prometheus sends them) and its samples.</summary>
public sealed record PushedSeries(IReadOnlyList<Label> Labels, IReadOnlyList<PushedSample> Samples)
{
    /// <summary>Native histograms in this series; the receiver does not read them (the classic buckets carry the same data).</summary>
    public int NativeHistograms { get; init; }

    public string? Label(string name)
    {
        foreach (var label in Labels)
        {
            if (label.Name == name)
            {
                return label.Value;
            }
        }

        return null;
    }
}

public readonly record struct PushedSample(double Value, long TimestampMs);

/// <summary>What is wrong with a remote-write body, in words for the client (it goes back as a 400, or a 413 when too large).</summary>
public sealed class RemoteWriteFormatException(string message, Exception? inner = null, bool tooLarge = false) : FormatException(message, inner)
{
    /// <summary>The body is well formed as far as read, but unpacks past RemoteWrite:MaxDecodedBytes (413, not 400).</summary>
    public bool TooLarge { get; } = tooLarge;
}

/// <summary>
/// Decodes Prometheus Remote-Write 1.0: a snappy block (not the framed stream format) holding a protobuf
/// <c>prometheus.WriteRequest</c> (prompb/remote.proto, types.proto). Read field by field with Google.Protobuf's
/// <see cref="CodedInputStream"/> rather than through classes generated from the .proto: only labels and float
/// samples are kept, nothing else is materialised, and there is no protoc step in the build; field numbers are
/// those of prompb (WriteRequest.timeseries = 1; TimeSeries.labels = 1, samples = 2, histograms = 4;
/// Label.name = 1, value = 2; Sample.value = 1 (double), timestamp = 2 (int64 ms)).
/// </summary>
public static class WriteRequestDecoder
{
    /// <summary>
    /// Decodes a push. The body is unpacked into a pooled buffer (a 2,000-sample body unpacks to some 200 kB, a new
    /// large-object array per push otherwise), returned once parsed: nothing read from it keeps a reference to it.
    /// </summary>
    public static IReadOnlyList<PushedSeries> Decode(ReadOnlySpan<byte> body, int maxDecodedBytes)
    {
        var length = UncompressedLength(body, maxDecodedBytes);
        var decoded = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            Uncompress(body, decoded.AsSpan(0, length));
            return Parse(decoded, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    /// <summary>What the snappy block says it unpacks to; refuses more than <paramref name="maxDecodedBytes"/>.</summary>
    private static int UncompressedLength(ReadOnlySpan<byte> body, int maxDecodedBytes)
    {
        int length;
        try
        {
            length = Snappy.GetUncompressedLength(body);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IndexOutOfRangeException)
        {
            throw new RemoteWriteFormatException("the body is not snappy block format (Content-Encoding: snappy, not the framed format)", e);
        }

        if (length < 0 || length > maxDecodedBytes)
        {
            throw new RemoteWriteFormatException($"the body unpacks to {length} bytes, more than RemoteWrite:MaxDecodedBytes ({maxDecodedBytes})", tooLarge: true);
        }

        return length;
    }

    /// <summary>Uncompresses the snappy block into exactly <paramref name="decoded"/>'s length.</summary>
    private static void Uncompress(ReadOnlySpan<byte> body, Span<byte> decoded)
    {
        try
        {
            var written = Snappy.Decompress(body, decoded);
            if (written != decoded.Length)
            {
                throw new RemoteWriteFormatException($"the snappy block unpacked to {written} bytes, not the {decoded.Length} it declares");
            }
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IndexOutOfRangeException)
        {
            throw new RemoteWriteFormatException("the snappy block is corrupt: " + e.Message, e);
        }
    }

    /// <summary>Parses an uncompressed WriteRequest: the first <paramref name="length"/> bytes of <paramref name="message"/>.</summary>
    private static IReadOnlyList<PushedSeries> Parse(byte[] message, int length)
    {
        var input = new CodedInputStream(message, 0, length);
        var series = new List<PushedSeries>();
        // Label names and values repeat from series to series: one string each per request, looked up by their bytes.
        var strings = new Dictionary<byte[], string>(Utf8Strings.Comparer).GetAlternateLookup<ReadOnlySpan<byte>>();
        try
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (tag == Tag(1, WireFormat.WireType.LengthDelimited))
                {
                    series.Add(ReadTimeSeries(input, message, length, strings));
                }
                else
                {
                    input.SkipLastField(); // metadata (3) and anything newer
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RemoteWriteFormatException("the body is not a protobuf WriteRequest: " + e.Message, e);
        }

        return series;
    }

    private static PushedSeries ReadTimeSeries(CodedInputStream input, byte[] message, int length, Dictionary<byte[], string>.AlternateLookup<ReadOnlySpan<byte>> strings)
    {
        var end = End(input, length);
        // Sized for the usual series (a handful of labels, one sample a push): growing from empty was a fifth of
        // a decode's time, mostly in the collections its garbage made (dotnet-trace of bench/run remote-write's HTTP part).
        var labels = new List<Label>(8);
        var samples = new List<PushedSample>(1);
        var histograms = 0;
        while (input.Position < end)
        {
            var tag = input.ReadTag();
            if (tag == Tag(1, WireFormat.WireType.LengthDelimited))
            {
                labels.Add(ReadLabel(input, message, length, strings));
            }
            else if (tag == Tag(2, WireFormat.WireType.LengthDelimited))
            {
                samples.Add(ReadSample(input, length));
            }
            else
            {
                if (tag == Tag(4, WireFormat.WireType.LengthDelimited))
                {
                    histograms++;
                }

                input.SkipLastField(); // exemplars (3), native histograms (4)
            }
        }

        Expect(input, end, "TimeSeries");
        return new PushedSeries(labels, samples) { NativeHistograms = histograms };
    }

    private static Label ReadLabel(CodedInputStream input, byte[] message, int length, Dictionary<byte[], string>.AlternateLookup<ReadOnlySpan<byte>> strings)
    {
        var end = End(input, length);
        string name = "", value = "";
        while (input.Position < end)
        {
            var tag = input.ReadTag();
            if (tag == Tag(1, WireFormat.WireType.LengthDelimited))
            {
                name = Text(input, message, strings);
            }
            else if (tag == Tag(2, WireFormat.WireType.LengthDelimited))
            {
                value = Text(input, message, strings);
            }
            else
            {
                input.SkipLastField();
            }
        }

        Expect(input, end, "Label");
        return new Label(name, value);
    }

    private static PushedSample ReadSample(CodedInputStream input, int total)
    {
        var end = End(input, total);
        double value = 0;
        long timestamp = 0;
        while (input.Position < end)
        {
            var tag = input.ReadTag();
            if (tag == Tag(1, WireFormat.WireType.Fixed64))
            {
                value = input.ReadDouble();
            }
            else if (tag == Tag(2, WireFormat.WireType.Varint))
            {
                timestamp = input.ReadInt64();
            }
            else
            {
                input.SkipLastField();
            }
        }

        Expect(input, end, "Sample");
        return new PushedSample(value, timestamp);
    }

    /// <summary>
    /// The string field just tagged, read in place: CodedInputStream skips it (checking its length against the body) and
    /// the bytes are looked up where they lie, so a label repeated across series costs no copy and no new string.
    /// </summary>
    private static string Text(CodedInputStream input, byte[] message, Dictionary<byte[], string>.AlternateLookup<ReadOnlySpan<byte>> strings)
    {
        var start = (int)input.Position;
        input.SkipLastField();
        var end = (int)input.Position;
        while ((message[start++] & 0x80) != 0)
        {
            // The length's varint: up to 5 bytes, each but the last with its high bit set.
        }

        var bytes = message.AsSpan(start, end - start);
        if (!strings.TryGetValue(bytes, out var text))
        {
            try
            {
                text = Utf8.GetString(bytes);
            }
            catch (System.Text.DecoderFallbackException e)
            {
                throw new RemoteWriteFormatException("a label is not valid UTF-8", e);
            }

            strings[bytes] = text;
        }

        return text;
    }

    private static readonly System.Text.UTF8Encoding Utf8 = new(false, true);

    /// <summary>Byte-array keys compared by content, and looked up by a span of bytes without making one.</summary>
    private sealed class Utf8Strings : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly Utf8Strings Comparer = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => (int)System.IO.Hashing.XxHash3.HashToUInt64(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }

    /// <summary>Where the embedded message that starts here ends; a length past the body is malformed.</summary>
    private static long End(CodedInputStream input, int total)
    {
        var length = input.ReadLength();
        var end = input.Position + length;
        if (length < 0 || end > total)
        {
            throw new RemoteWriteFormatException("the body is not a protobuf WriteRequest: a message runs past the end of the body");
        }

        return end;
    }

    /// <summary>A field that ran past its message's end means the lengths do not agree: malformed.</summary>
    private static void Expect(CodedInputStream input, long end, string message)
    {
        if (input.Position != end)
        {
            throw new RemoteWriteFormatException($"the body is not a protobuf WriteRequest: a {message} overruns its length");
        }
    }

    private static uint Tag(int field, WireFormat.WireType type) => WireFormat.MakeTag(field, type);
}

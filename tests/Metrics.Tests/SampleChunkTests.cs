using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Chunks;

namespace X0tta6bl4.Ops.Metrics.Tests;

/// <summary>The raw-sample codec: every round trip bit-exact, bad input refused with a reason.</summary>
public sealed class SampleChunkTests
{
    private static void AssertRoundTrip(IReadOnlyList<Sample> samples)
    {
        var decoded = SampleChunk.Decode(SampleChunk.Encode(samples.ToArray()));
        Assert.Equal(samples.Count, decoded.Count);
        for (var i = 0; i < samples.Count; i++)
        {
            Assert.Equal(samples[i].TimestampMs, decoded[i].TimestampMs);
            // Bit-exact: -0.0 is not 0.0, and every NaN payload stays the same.
            Assert.Equal(BitConverter.DoubleToInt64Bits(samples[i].Value), BitConverter.DoubleToInt64Bits(decoded[i].Value));
        }
    }

    [Fact]
    public void Encode_NoSamples_RoundTripsEmpty()
    {
        var chunk = SampleChunk.Encode([]);

        Assert.Empty(SampleChunk.Decode(chunk));
        Assert.Equal(0, SampleChunk.Count(chunk));
    }

    [Fact]
    public void RoundTrip_IrregularIntervals_EveryDeltaOfDeltaWidth()
    {
        // Jitter of milliseconds, seconds, minutes and days, before and after 1970, and the extremes of a long.
        long[] steps = [15_000, 15_000, 15_003, 14_990, 1, 8_000, 7_000, 70_000, 500_000, 3_600_000, 86_400_000 * 30L, 1, 1, 2, 1_000_000_000_000];
        var ts = -5_000_000L;
        var samples = new List<Sample>();
        foreach (var step in steps)
        {
            samples.Add(new Sample(ts, ts / 1000.0));
            ts += step;
        }

        AssertRoundTrip(samples);
        AssertRoundTrip([new Sample(long.MinValue, 1), new Sample(0, 2), new Sample(long.MaxValue, 3)]);
        AssertRoundTrip([new Sample(long.MinValue, 1), new Sample(long.MinValue + 1, 2), new Sample(long.MaxValue, 3), ]);
    }

    [Fact]
    public void RoundTrip_CounterWithResets()
    {
        var samples = new List<Sample>();
        double counter = 0;
        for (var i = 0; i < 1_000; i++)
        {
            counter = i % 300 == 299 ? 0 : counter + i % 17; // a restart every 300 polls
            samples.Add(new Sample(1_795_132_800_000 + i * 15_000L, counter));
        }

        AssertRoundTrip(samples);
    }

    [Fact]
    public void RoundTrip_SpecialValues_BitExact()
    {
        double[] values =
        [
            0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon, 2.2250738585072009e-308,
            double.MaxValue, double.MinValue, 1, -1, 0.1, double.NaN, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001),
            BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8_0000_0000_00FF)), -0.0, -0.0, 0.0, double.PositiveInfinity,
        ];

        AssertRoundTrip(values.Select((v, i) => new Sample(i * 1_000L, v)).ToList());
    }

    [Fact]
    public void Encode_LongConstantRun_CostsAboutTwoBitsPerSample()
    {
        var samples = Enumerable.Range(0, 100_000).Select(i => new Sample(i * 15_000L, 42.5)).ToArray();

        var chunk = SampleChunk.Encode(samples);

        AssertRoundTrip(samples);
        // One bit for the timestamp ("same step") and one for the value ("same value"), plus the header.
        Assert.InRange(chunk.Length, 100_000 * 2 / 8, 100_000 * 2 / 8 + 32);
    }

    [Fact]
    public void RoundTrip_AMillionRandomCases()
    {
        var random = new Random(20261201);
        for (var chunk = 0; chunk < 10_000; chunk++)
        {
            var samples = new Sample[100];
            var ts = random.NextInt64(-1L << 50, 1L << 50);
            var value = random.NextDouble();
            for (var i = 0; i < samples.Length; i++)
            {
                // Mostly regular with jitter; sometimes a gap of any width. Values: repeats, small changes, any bit pattern.
                ts += random.Next(10) switch
                {
                    < 6 => 15_000,
                    6 => 15_000 + random.Next(-3, 4),
                    7 => random.Next(1, 1_000_000),
                    8 => random.NextInt64(1, 1L << 40),
                    _ => 1,
                };
                value = random.Next(5) switch
                {
                    0 => value,
                    1 => Math.Round(value + random.NextDouble(), 3),
                    2 => BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue)),
                    3 => random.Next(2),
                    _ => value * -1,
                };
                samples[i] = new Sample(ts, value);
            }

            var decoded = SampleChunk.Decode(SampleChunk.Encode(samples));
            for (var i = 0; i < samples.Length; i++)
            {
                if (decoded[i].TimestampMs != samples[i].TimestampMs || BitConverter.DoubleToInt64Bits(decoded[i].Value) != BitConverter.DoubleToInt64Bits(samples[i].Value))
                {
                    Assert.Fail($"chunk {chunk}, sample {i}: wrote {samples[i]}, read {decoded[i]}");
                }
            }
        }
    }

    [Fact]
    public void FoldInto_ARange_FoldsOnlyTheSamplesInsideIt()
    {
        var chunk = SampleChunk.Encode(Enumerable.Range(0, 10).Select(i => new Sample(i * 1_000L, i)).ToArray());
        var steps = new StepFolder(new RangeQuery(new SeriesSelector("m"), 3_000, 5_500, 2_000, Aggregation.Avg));

        SampleChunk.FoldInto(chunk, steps, 3_000, 5_500);

        Assert.Equal([new Sample(3_000, 3.5), new Sample(5_000, 5)], steps.Finish());
    }

    [Theory]
    [InlineData(1_000L)]
    [InlineData(999L)]
    public void Encode_TimestampNotAfterThePrevious_IsRefusedWithAReason(long second)
    {
        var e = Assert.Throws<ArgumentException>(() => SampleChunk.Encode([new Sample(1_000, 1), new Sample(second, 2)]));

        Assert.Contains("strictly increase", e.Message);
    }

    [Fact]
    public void Decode_CutShortOrGarbage_SaysTheChunkIsCorrupt()
    {
        var chunk = SampleChunk.Encode(Enumerable.Range(0, 50).Select(i => new Sample(i * 15_000L, i * 0.25)).ToArray());

        Assert.Throws<InvalidDataException>(() => SampleChunk.Decode(chunk.AsSpan(0, chunk.Length / 2)));
        Assert.Throws<InvalidDataException>(() => SampleChunk.Decode([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]));
        Assert.Throws<InvalidDataException>(() => SampleChunk.Decode([0x7F]));
    }

    [Fact]
    public void ChunkBatch_RepeatsAndLateSamples_KeepsTheFirstOfEachTimestampInOrder()
    {
        var hour = 1_795_132_800_000L;
        var stored = SampleChunk.Encode([new Sample(hour, 1), new Sample(hour + 30_000, 3)]);
        var batch = ChunkBatch.Group([(7, hour + 45_000, 4), (7, hour + 15_000, 2), (7, hour + 30_000, 99), (7, hour + 45_000, 98), (7, hour + 3_600_000, 5)]);

        var (chunk, added, held) = batch.Apply((7, hour), stored);

        Assert.Equal(2, batch.Keys.Count); // this hour and the next
        Assert.Equal([new Sample(hour, 1), new Sample(hour + 15_000, 2), new Sample(hour + 30_000, 3), new Sample(hour + 45_000, 4)], SampleChunk.Decode(chunk));
        Assert.Equal(SampleChunk.Decode(chunk), held);
        Assert.Equal(new ChunkSummary(1, 4, 10, 4, hour + 45_000, 4), ChunkSummary.Of(held.ToArray()));
        Assert.Equal([new Sample(hour + 15_000, 2), new Sample(hour + 45_000, 4)], added);
        Assert.Equal(2, batch.Duplicates); // 98 repeats the batch's own 45 s, 99 the stored 30 s
    }

    [Fact]
    public void ChunkBatch_BeforeTheEpoch_FallsInTheHourThatHoldsIt()
    {
        Assert.Equal(-3_600_000, ChunkBatch.StartOf(-1));
        Assert.Equal(0, ChunkBatch.StartOf(3_599_999));
    }
}

using X0tta6bl4.Ops.Collector.Sources.Scrape;

namespace X0tta6bl4.Ops.Collector.Tests;

public class ExpositionParserTests
{
    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    [Fact]
    public void Parse_PythonClientText_ReadsEverySampleWithLabelsAndValues()
    {
        var exposition = ExpositionParser.Parse(Sample("python-client.txt"));

        Assert.Equal(17, exposition.Samples.Count);
        Assert.Equal("histogram", exposition.Types["x0tta6bl4_request_duration_seconds"]);
        var errors = exposition.Samples.Single(s => s.Name == "x0tta6bl4_requests_total" && s.Label("status") == "500");
        Assert.Equal(3.0, errors.Value);
        Assert.Equal("/api/v1/mesh/status", errors.Label("endpoint"));
        Assert.Equal(81_920_000, exposition.Samples.Single(s => s.Name == "process_resident_memory_bytes").Value);
        Assert.Contains(exposition.Samples, s => s.Label("le") == "+Inf" && s.Value == 1503);
    }

    [Fact]
    public void Parse_EscapedLabelValue_IsUnescapedAndNaNKept()
    {
        var sample = ExpositionParser.Parse(Sample("python-client.txt")).Samples.Single(s => s.Name == "mesh_peer_label");

        Assert.Equal("node \"a\" \\ b\nc", sample.Label("peer"));
        Assert.True(double.IsNaN(sample.Value));
    }

    [Fact]
    public void Parse_OpenMetrics_SkipsExemplarsReadsFloatTimestampsAndStopsAtEof()
    {
        var exposition = ExpositionParser.Parse(Sample("openmetrics.txt"), ExpositionFormat.OpenMetrics);

        Assert.Equal(6, exposition.Samples.Count);
        Assert.Equal(40.0, exposition.Samples.Single(s => s.Label("le") == "0.01").Value);
        Assert.Equal(1_700_000_000_500, exposition.Samples.Single(s => s.Name.EndsWith("_count", StringComparison.Ordinal)).TimestampMs);
    }

    [Fact]
    public void Parse_PrometheusNetOutputOfTheApi_ReadsTheRequestFamilies()
    {
        // The shape prometheus-net 8 writes, including a millisecond timestamp.
        const string text = """
            # HELP x0tta6bl4_requests_total HTTP requests handled.
            # TYPE x0tta6bl4_requests_total counter
            x0tta6bl4_requests_total{method="GET",endpoint="/api/v1/status",status="200"} 50
            # TYPE process_working_set_bytes gauge
            process_working_set_bytes 123456789 1700000000123
            """;

        var exposition = ExpositionParser.Parse(text);

        Assert.Equal(50, exposition.Samples[0].Value);
        Assert.Equal(1_700_000_000_123, exposition.Samples[1].TimestampMs);
    }

    [Theory]
    [InlineData("metric{a=\"1\" 5", "Expected ',' or '}'")]
    [InlineData("metric{a=1} 5", "quoted value")]
    [InlineData("metric abc", "Invalid sample value")]
    [InlineData("metric", "Expected a space")]
    [InlineData("9metric 1", "Expected a metric name")]
    [InlineData("metric{a=\"x\\q\"} 1", "Unknown escape")]
    [InlineData("metric{a=\"1\",a=\"2\"} 1", "appears twice")]
    [InlineData("metric 1 notatime", "Invalid timestamp")]
    [InlineData("# TYPE metric", "without a type")]
    public void Parse_MalformedLine_ThrowsTypedErrorNamingTheLine(string line, string message)
    {
        var e = Assert.Throws<ExpositionParseException>(() => ExpositionParser.Parse("ok 1\n" + line));

        Assert.Equal(2, e.Line);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Parse_CrLfLineEndingsAndBlankLines_AreAccepted()
    {
        var exposition = ExpositionParser.Parse("a 1\r\n\r\nb{x=\"y\"} 2\r\n");

        Assert.Equal([1.0, 2.0], exposition.Samples.Select(s => s.Value));
    }
}

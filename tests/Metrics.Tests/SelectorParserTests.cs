using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Tests;

public class SelectorParserTests
{
    [Fact]
    public void Parse_NameAndEveryMatcherKind()
    {
        var selector = SelectorParser.Parse("api_latency_seconds{job=\"api\", quantile!=\"0.5\",source=~\"scr.*\",instance!~'x|y'}");

        Assert.Equal("api_latency_seconds", selector.Name);
        Assert.Equal(["job=\"api\"", "quantile!=\"0.5\"", "source=~\"scr.*\"", "instance!~\"x|y\""], selector.Matchers.Select(m => m.ToString()));
        Assert.True(selector.Matches(SeriesKey.Of("api_latency_seconds", ("job", "api"), ("quantile", "0.99"), ("source", "scrape"))));
    }

    [Fact]
    public void Parse_NameAsLabel_AndEscapes()
    {
        var selector = SelectorParser.Parse("{__name__=\"up\",path=\"a\\\"b\"}");

        Assert.Equal("up", selector.Name);
        Assert.Equal("a\"b", selector.Matchers.Single().Value);
    }

    [Theory]
    [InlineData("rate(x[5m])", "only series selectors")]
    [InlineData("x{a=\"b\"", "expected ',' or '}'")]
    [InlineData("x{a=b}", "quoted value")]
    [InlineData("{a=\"b\"}", "metric name is required")]
    [InlineData("x{a=~\"(\"}", "Invalid regular expression")]
    [InlineData("x + y", "only series selectors")]
    public void Parse_NotASelector_IsRefusedWithTheReason(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => SelectorParser.Parse(text));

        Assert.Contains(reason, e.Message);
    }
}

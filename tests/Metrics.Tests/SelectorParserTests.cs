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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Regex_ThatBacktrackingTakesExponentialTimeOn_MatchesInLinearTime_WithTheRightAnswer(bool endsInDigits)
    {
        // The pattern: .NET's backtracking engine gave up (RegexMatchTimeoutException) on a statement text
        // of a few dozen characters; the non-backtracking one answers within its match timeout on 20,000 characters.
        var selector = SelectorParser.Parse("db_statement_calls_per_second{query=~\"(.*.*.*.*.*)*[0-9]{30}\"}");
        var text = string.Concat(Enumerable.Repeat("SELECT n.id FROM nodes n WHERE n.mesh_id = $1 AND 7 ", 400)) + (endsInDigits ? new string('4', 30) : "x");

        Assert.Equal(endsInDigits, selector.Matches(SeriesKey.Of("db_statement_calls_per_second", ("query", text))));
    }

    [Theory]
    [InlineData("x{a=~\"(a)\\\\1\"}", "RE2")] // a backreference
    [InlineData("x{a=~\"(?=a)a\"}", "RE2")] // a lookahead
    [InlineData("x{a=~\"b)|(c\"}", "Invalid regular expression")] // would escape the anchors
    public void Regex_BeyondRe2_OrEscapingItsAnchors_IsRefused(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => SelectorParser.Parse(text));

        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Regex_IsAnchoredAtBothEnds_EvenBeforeAFinalNewline()
    {
        var selector = SelectorParser.Parse("x{a=~\"b|c\"}");

        Assert.True(selector.Matches(SeriesKey.Of("x", ("a", "c"))));
        Assert.False(selector.Matches(SeriesKey.Of("x", ("a", "b\n"))));
        Assert.False(selector.Matches(SeriesKey.Of("x", ("a", "ab"))));
    }
}

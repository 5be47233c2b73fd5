using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Tests;

public class SeriesKeyTests
{
    [Fact]
    public void Labels_InAnyOrder_GiveTheSameKey()
    {
        var a = SeriesKey.Of("m", ("b", "2"), ("a", "1"));
        var b = SeriesKey.Of("m", ("a", "1"), ("b", "2"));

        Assert.Equal(a, b);
        Assert.Equal("a=\"1\",b=\"2\"", a.LabelText);
    }

    [Fact]
    public void LabelText_WithQuotesBackslashesAndNewlines_RoundTrips()
    {
        var key = SeriesKey.Of("m", ("path", "a\"b\\c\nd"), ("x", "="));

        var parsed = SeriesKey.ParseLabels(key.LabelText);

        Assert.Equal(key.Labels, parsed);
    }

    [Fact]
    public void EmptyLabelValue_IsNoLabel() => Assert.Equal(SeriesKey.Of("m"), SeriesKey.Of("m", ("a", "")));

    [Fact]
    public void DuplicateLabel_IsRefused() =>
        Assert.Throws<ArgumentException>(() => SeriesKey.Of("m", ("a", "1"), ("a", "2")));

    [Theory]
    [InlineData("job", MatchOp.Equal, "api", true)]
    [InlineData("job", MatchOp.NotEqual, "api", false)]
    [InlineData("job", MatchOp.Regex, "a.*", true)]
    [InlineData("job", MatchOp.Regex, "p.*", false)] // anchored, like Prometheus
    [InlineData("missing", MatchOp.Equal, "", true)] // a missing label matches ""
    [InlineData("job", MatchOp.NotRegex, "api|db", false)]
    public void LabelMatcher_HasPrometheusSemantics(string label, MatchOp op, string value, bool expected) =>
        Assert.Equal(expected, new LabelMatcher(label, op, value).Matches(SeriesKey.Of("m", ("job", "api"))));
}

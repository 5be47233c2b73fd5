using X0tta6bl4.Ops.Collector.Alerts.Delivery;

namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>What a person types for a silence, read as Alertmanager would take it, each field's problem named.</summary>
public sealed class SilenceFormTests
{
    [Fact]
    public void Matchers_AllFourOperators_QuotedOrNot_CommasInsideQuotesKept()
    {
        var (matchers, problem) = SilenceForm.ParseMatchers("{alertname=\"Collector source down\", job!=api, source=~\"redis/.*|pg\",\ninstance!~\"a,b\"}");

        Assert.Null(problem);
        Assert.Equal(["alertname=\"Collector source down\"", "job!=\"api\"", "source=~\"redis/.*|pg\"", "instance!~\"a,b\""], matchers.Select(m => m.ToString()));
        Assert.Equal([(false, true), (false, false), (true, true), (true, false)], matchers.Select(m => (m.IsRegex, m.IsEqual)));
    }

    [Theory]
    [InlineData("", "at least one matcher")]
    [InlineData("source", "is not a matcher")]
    [InlineData("1job=\"api\"", "is not a label name")]
    [InlineData("job=~\"(api\"", "not a valid regular expression")]
    [InlineData("job!=\"api\"", "a silence would hide everything")]   // an alert without job matches too
    [InlineData("job=~\".*\"", "a silence would hide everything")]
    public void Matchers_Refused_WithTheReason(string text, string reason)
    {
        var (_, problem) = SilenceForm.ParseMatchers(text);

        Assert.Contains(reason, problem);
    }

    [Theory]
    [InlineData("30m", 30)]
    [InlineData("2h", 120)]
    [InlineData("1h30m", 90)]
    [InlineData("1d", 1440)]
    [InlineData("1w", 10080)]
    public void Duration_PrometheusStyle(string text, double minutes)
    {
        Assert.Equal((TimeSpan.FromMinutes(minutes), (string?)null), SilenceForm.ParseDuration(text));
    }

    [Fact]
    public void Form_EveryFieldsProblem_AtOnce_AndNoFormHalfRead()
    {
        var (form, problems) = SilenceForm.Read("job", "31d", " ");

        Assert.Null(form);
        Assert.Equal(["comment", "duration", "matchers"], problems.Keys.Order());
        Assert.Contains("between 1 minute and 30 days", problems["duration"]);
    }

    [Fact]
    public void Matches_AsAlertmanagerDoes_AMissingLabelIsEmpty_RegexAnchored()
    {
        var labels = new Dictionary<string, string> { ["source"] = "redis/redis" };

        Assert.True(new SilenceMatcher("source", "redis/.*", IsRegex: true).Matches(labels));
        Assert.False(new SilenceMatcher("source", "redis", IsRegex: true).Matches(labels));   // anchored: no partial match
        Assert.True(new SilenceMatcher("job", "api", IsRegex: false, IsEqual: false).Matches(labels));
        Assert.False(new SilenceMatcher("job", "api", IsRegex: false).Matches(labels));
    }
}

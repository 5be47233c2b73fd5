using X0tta6bl4.Ops.Collector.Configuration;

namespace X0tta6bl4.Ops.Collector.Tests;

public class OptionsValidationTests
{
    [Fact]
    public void Sources_SeveralProblems_AreAllReportedAtOnce()
    {
        var options = new SourcesOptions
        {
            Scrape = new ScrapeSourceOptions
            {
                IntervalSeconds = 0,
                Targets = [new() { Name = "api", Url = "not a url" }, new() { Name = "api", Url = "http://127.0.0.1:1/metrics" }],
            },
            Prometheus = new PrometheusSourceOptions { Url = "ftp://x" },
        };

        var result = new SourcesOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.Contains("Sources:Scrape:IntervalSeconds"));
        Assert.Contains(failures, f => f.Contains("Targets:0:Url 'not a url'"));
        Assert.Contains(failures, f => f.Contains("Targets:1:Name 'api' is used twice"));
        Assert.Contains(failures, f => f.Contains("Sources:Prometheus:Url 'ftp://x'"));
    }

    [Fact]
    public void Sources_PrometheusHeadersAndCredentials_AreCheckedWithoutQuotingAValue()
    {
        var options = new SourcesOptions
        {
            Prometheus = new PrometheusSourceOptions
            {
                Url = "http://bob:hunter2@mimir:8080/prometheus",
                MaxGetUrlLength = -1,
                Headers =
                [
                    new() { Name = "X-Scope-OrgID", Value = "team-a" },
                    new() { Name = "x-scope-orgid", Value = "team-b" },
                    new() { Name = "Bad Name", Value = "v" },
                    new() { Name = "Host", Value = "evil" },
                    new() { Name = "Authorization", Value = "Bearer abc\r\nX-Injected: 1" },
                    new() { Name = "X-Empty", Value = "" },
                ],
            },
        };

        var failures = new SourcesOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("Sources:Prometheus:Url must not hold credentials", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Sources:Prometheus:Headers:1:Name 'x-scope-orgid' is given twice", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Sources:Prometheus:Headers:2:Name 'Bad Name' is not an HTTP header name", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Sources:Prometheus:Headers:3:Name 'Host' is set by the HTTP client", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Sources:Prometheus:Headers:4:Value (of 'Authorization') contains a line break", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Sources:Prometheus:Headers:5:Value (of 'X-Empty') is empty", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Sources:Prometheus:MaxGetUrlLength must be between 0", StringComparison.Ordinal));
        Assert.All(failures, f => Assert.DoesNotContain("hunter2", f));
        Assert.All(failures, f => Assert.DoesNotContain("Bearer abc", f));
    }

    [Fact]
    public void Sources_PrometheusTenantAndToken_Pass()
    {
        var options = new SourcesOptions
        {
            Prometheus = new PrometheusSourceOptions
            {
                Url = "http://mimir:8080/prometheus/",
                Headers = [new() { Name = "X-Scope-OrgID", Value = "team-a" }, new() { Name = "Authorization", Value = "Bearer abc.def" }],
            },
        };

        Assert.True(new SourcesOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Sources_RedisUserWithoutPassword_IsReported()
    {
        var options = new SourcesOptions { Redis = new RedisSourceOptions { User = "monitor" } };

        var result = new SourcesOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f.StartsWith("Sources:Redis:User 'monitor' is set without Sources:Redis:Password", StringComparison.Ordinal));
    }

    [Fact]
    public void Sources_RedisUserWithPasswordAndTls_IsValid() =>
        Assert.True(new SourcesOptionsValidator().Validate(null, new SourcesOptions
        {
            Redis = new RedisSourceOptions { User = "monitor", Password = "pw", Tls = true },
        }).Succeeded);

    [Fact]
    public void Sources_Defaults_AreValid() =>
        Assert.True(new SourcesOptionsValidator().Validate(null, new SourcesOptions()).Succeeded);

    [Fact]
    public void Collector_WindowOutOfRange_IsReported()
    {
        var result = new CollectorOptionsValidator().Validate(null, new CollectorOptions { WindowSeconds = 1 });

        Assert.Contains(result.Failures!, f => f.Contains("Collector:WindowSeconds"));
    }
}

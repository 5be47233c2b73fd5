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

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Pipeline;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Collector.Sources.Postgres;
using X0tta6bl4.Ops.Collector.Sources.Prometheus;
using X0tta6bl4.Ops.Collector.Sources.Redis;
using X0tta6bl4.Ops.Collector.Sources.Scrape;
using Microsoft.Extensions.Logging;
using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.Settings;

namespace X0tta6bl4.Ops.Collector;

public static class CollectorServiceCollectionExtensions
{
    /// <summary>
    /// Registers the collector: options (validated at start), the sources from configuration, the
    /// status board, the write buffer and the polling service. Needs an <c>IMetricStore</c> and,
    /// for Sources:Scrape:IncludeSelf, an <see cref="ISelfAddress"/>.
    /// </summary>
    public static IServiceCollection AddCollector(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CollectorOptions>()
            .Bind(configuration.GetSection(CollectorOptions.Section))
            .PostConfigure(o =>
            {
                // Lists bound from configuration append to initial values, so defaults are applied after binding.
                if (o.LatencyHistograms.Count == 0)
                {
                    o.LatencyHistograms.AddRange(CollectorOptions.DefaultLatencyHistograms);
                }

                if (o.RequestCounters.Count == 0)
                {
                    o.RequestCounters.AddRange(CollectorOptions.DefaultRequestCounters);
                }
            })
            .ValidateOnStart();
        services.AddOptions<SourcesOptions>()
            .Bind(configuration.GetSection(SourcesOptions.Section))
            .PostConfigure(o =>
            {
                if (o.Scrape.Targets.Count == 0)
                {
                    o.Scrape.Targets.AddRange(ScrapeSourceOptions.DefaultTargets.Select(t => new ScrapeTarget { Name = t.Name, Url = t.Url }));
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CollectorOptions>, CollectorOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SourcesOptions>, SourcesOptionsValidator>());

        services.AddOperatorSettings(configuration);
        // A failed poll is logged once, by the collector, with its reason; Polly would add every retry attempt with a stack
        // trace — and its last one at Error, which printed a SocketException's stack to the console of a bare `dotnet run`.
        services.AddLogging(logging => logging.AddFilter("Polly", LogLevel.None));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LeaseKeeper>();
        services.TryAddSingleton<Alerts.AlertSignals>();
        services.TryAddSingleton(CreateWriteBuffer);
        services.AddHttpClient("scrape");
        // Alertmanager's headers and basic authentication carry secrets: whatever logs requests shows none of their values.
        // Registered with the collector off too: a dashboard reads alerts and silences from Alertmanager itself.
        services.AddHttpClient(Alerts.Delivery.AlertmanagerDelivery.HttpClientName).RedactLoggedHeaders(_ => true);
        services.TryAddSingleton<Alerts.Delivery.AlertmanagerApi>();
        services.AddPrometheusHttpClient();
        services.TryAddSingleton<IReadOnlyList<ISource>>(CreateSources);
        services.AddSingleton<IEnumerable<ISource>>(sp => sp.GetRequiredService<IReadOnlyList<ISource>>());

        var enabled = configuration.GetValue(CollectorOptions.Section + ":Enabled", true);
        if (enabled)
        {
            services.TryAddSingleton<CollectorService>();
            services.AddHostedService<CollectorHostedService>();
            services.AddHostedService<RetentionService>();
            if (configuration.GetValue(AlertOptions.Section + ":Enabled", true))
            {
                services.AddHostedService<Alerts.AlertEvaluator>();
                services.AddHostedService<Alerts.Delivery.AlertmanagerDelivery>();
            }
        }

        return services;
    }

    /// <summary>
    /// The write buffer, with its spool when Collector:SpoolPath is set: what an earlier run left unwritten is read back
    /// now, first in line. A folder another collector holds leaves this one in memory, with a warning, rather than stop it.
    /// </summary>
    private static WriteBuffer CreateWriteBuffer(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<CollectorOptions>>().Value;
        if (SpoolDirectory(services) is not { } directory)
        {
            return new WriteBuffer(options.BufferCapacity);
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<WriteBuffer>();
        try
        {
            var spool = Spool.Open(directory, options.SpoolMaxBytes, services.GetRequiredService<TimeProvider>(), out var replayed);
            if (replayed.Count > 0)
            {
                logger.LogWarning("Replaying {Samples} samples in {Batches} batches that an earlier run could not write to the store ({InDoubt} to be checked against it first).",
                    replayed.Sum(r => r.Samples.Count), replayed.Count, replayed.Count(r => r.InDoubt));
            }

            return new WriteBuffer(options.BufferCapacity, spool, replayed);
        }
        catch (IOException e)
        {
            logger.LogWarning("The write buffer stays in memory only (samples are lost if this process stops while the store is away): {Error}. Give each collector its own Collector:SpoolPath.", e.Message);
            return new WriteBuffer(options.BufferCapacity);
        }
    }

    /// <summary>Collector:SpoolPath as a full path (relative to the content root); null when it is empty (no spool).</summary>
    internal static string? SpoolDirectory(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<CollectorOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.SpoolPath))
        {
            return null;
        }

        var root = services.GetService<Microsoft.Extensions.Hosting.IHostEnvironment>()?.ContentRootPath ?? Environment.CurrentDirectory;
        return Path.GetFullPath(options.SpoolPath, root);
    }

    /// <summary>The job name of this process's own metrics when it scrapes itself.</summary>
    public const string SelfJob = "dashboard";

    private static IReadOnlyList<ISource> CreateSources(IServiceProvider services)
    {
        var collector = services.GetRequiredService<IOptions<CollectorOptions>>().Value;
        var options = services.GetRequiredService<IOptions<SourcesOptions>>().Value;
        var http = services.GetRequiredService<IHttpClientFactory>();
        var state = services.GetRequiredService<SqlCollectorStateStore>();
        var leases = services.GetRequiredService<LeaseKeeper>();
        var sources = new SourceList();

        if (options.Scrape.Enabled)
        {
            var interval = TimeSpan.FromSeconds(options.Scrape.IntervalSeconds);
            var timeout = TimeSpan.FromSeconds(options.Scrape.TimeoutSeconds);
            // Only a host that serves /metrics (the dashboard) registers its address; a standalone collector has none.
            if (options.Scrape.IncludeSelf && services.GetService<ISelfAddress>() is { } self)
            {
                sources.Add(new ScrapeSource(
                    http.CreateClient("scrape"), SelfJob,
                    () => self.BaseAddress is { } b ? new Uri(b, "metrics") : null,
                    "this process's /metrics", interval, timeout, collector));
            }

            foreach (var target in options.Scrape.Targets)
            {
                var url = new Uri(target.Url);
                sources.Add(new ScrapeSource(http.CreateClient("scrape"), target.Name, () => url, target.Url, interval, timeout, collector));
            }
        }

        if (!string.IsNullOrEmpty(options.Prometheus.Url))
        {
            var client = PrometheusHttp.WithBaseAddress(http.CreateClient(PrometheusHttp.ClientName), options.Prometheus);
            sources.Add(new PrometheusSource(
                new PrometheusClient(client, options.Prometheus.MaxGetUrlLength, options.Prometheus.PartialResponse),
                options.Prometheus, collector, PublishSnapshots(state, leases.Name, services.GetRequiredService<ILoggerFactory>().CreateLogger<PrometheusSource>())));
        }

        if (!string.IsNullOrEmpty(options.Postgres.Connection))
        {
            sources.Add(new PostgresSource(options.Postgres, collector));
        }

        if (!string.IsNullOrEmpty(options.Redis.Endpoint))
        {
            sources.Add(new RedisSource(options.Redis, collector));
        }

        return sources;
    }

    /// <summary>
    /// Prometheus's targets, alerts and rules go to the store for the pages. A store that cannot take them
    /// does not make Prometheus "down": the snapshot keeps its age, and the next poll writes it again.
    /// </summary>
    private static Func<PrometheusTargets, PrometheusAlerts, CancellationToken, Task> PublishSnapshots(SqlCollectorStateStore state, string collector, ILogger logger) =>
        async (targets, alerts, ct) =>
        {
            try
            {
                await state.PublishTargetsAsync(targets, collector, ct);
                await state.PublishAlertsAsync(alerts, collector, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                CollectorMetrics.StateWriteFailures.Inc();
                logger.LogWarning("Writing Prometheus's targets and alerts to the store failed: {Error}", e.Message);
            }
        };
}

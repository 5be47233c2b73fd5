using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Pipeline;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>A collector service over a real store and its state tables, as the host builds it.</summary>
internal static class TestCollector
{
    public static async Task<(CollectorService Service, SqlCollectorStateStore State, LeaseKeeper Leases)> CreateAsync(
        IEnumerable<ISource> sources, IMetricStore store, WriteBuffer buffer, SqlDatabase database, TimeProvider? time = null, string instance = "test-collector")
    {
        time ??= TimeProvider.System;
        var state = new SqlCollectorStateStore(database);
        await state.MigrateAsync(CancellationToken.None);
        var leases = new LeaseKeeper(state, Options.Create(new CollectorOptions { InstanceName = instance }), time, NullLogger<LeaseKeeper>.Instance);
        var service = new CollectorService(sources, store, buffer, state, leases, time, new StartedLifetime(), NullLogger<CollectorService>.Instance);
        return (service, state, leases);
    }

    public static async Task<SourceStatus> StatusAsync(this SqlCollectorStateStore state, string source) =>
        (await state.SourcesAsync(CancellationToken.None)).Single(s => s.Name == source);
}

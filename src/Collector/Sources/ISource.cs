using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Sources;

/// <summary>One thing the collector polls (a scrape target, a Prometheus server, a database …).</summary>
public interface ISource
{
    /// <summary>Unique name, e.g. "scrape/api" or "prometheus".</summary>
    string Name { get; }

    /// <summary>What is polled, for people: a URL or host:port, never a secret.</summary>
    string Endpoint { get; }

    TimeSpan Interval { get; }

    TimeSpan Timeout { get; }

    /// <summary>Polls once; throws <see cref="SourceException"/> (or any exception) when the source cannot be read.</summary>
    Task<IReadOnlyList<SeriesSample>> CollectAsync(long timestampMs, CancellationToken cancellationToken);
}

/// <summary>
/// A source that differences one poll against its previous one. While another collector instance holds the
/// lease, that instance writes the increases; when the lease comes back, differencing against this instance's
/// last poll would count the other's polls twice, so it is told to start again.
/// </summary>
public interface IPollBaseline
{
    /// <summary>Called when a poll is skipped because another instance holds the source's lease.</summary>
    void ForgetPreviousPoll();
}

/// <summary>
/// A source whose answer can be incomplete without failing: a distributed engine (Thanos, Mimir, a VictoriaMetrics
/// cluster) answers from the stores it reached and says so in warnings. The collector reads them after each poll,
/// shows them on the Targets page and marks the poll's figures as partial.
/// </summary>
public interface IPollWarnings
{
    /// <summary>The warnings of the latest <see cref="ISource.CollectAsync"/> (one poll runs at a time per source), each once.</summary>
    IReadOnlyList<string> LastWarnings { get; }
}

/// <summary>A source failed in a way worth telling a person about as it is.</summary>
public sealed class SourceException(string message, Exception? inner = null) : Exception(message, inner);

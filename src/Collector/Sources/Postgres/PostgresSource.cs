using Npgsql;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Sources.Postgres;

/// <summary>Polls one PostgreSQL server's statistics views (read-only, statement_timeout).</summary>
public sealed class PostgresSource : ISource, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresDerivation _derivation;
    private readonly PostgresSourceOptions _options;

    public PostgresSource(PostgresSourceOptions options, CollectorOptions collector)
    {
        _options = options;
        var builder = new NpgsqlConnectionStringBuilder(options.Connection)
        {
            // The collector needs one connection at a time; it must never crowd out the application.
            MaxPoolSize = 2,
            Timeout = Math.Max(1, options.TimeoutSeconds),
            ApplicationName = "x0tta6bl4-ops-collector",
        };
        _dataSource = NpgsqlDataSource.Create(builder);
        _derivation = new PostgresDerivation(options.Name, TimeSpan.FromSeconds(collector.WindowSeconds));
        Name = "postgres/" + options.Name;
        Endpoint = $"{builder.Host}:{builder.Port}/{builder.Database}"; // never the password
        Interval = TimeSpan.FromSeconds(options.IntervalSeconds);
        Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
    }

    public string Name { get; }

    public string Endpoint { get; }

    public TimeSpan Interval { get; }

    public TimeSpan Timeout { get; }

    public async Task<IReadOnlyList<SeriesSample>> CollectAsync(long timestampMs, CancellationToken cancellationToken)
    {
        PostgresStatistics stats;
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            stats = await PostgresStatisticsReader.ReadAsync(connection, _options.StatementTimeoutMs, _options.TopStatements, cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw new SourceException($"PostgreSQL at {Endpoint}: {e.Message}", e);
        }

        return _derivation.Derive(stats, timestampMs);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}

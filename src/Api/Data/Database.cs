using System.Diagnostics;
using Npgsql;
using X0tta6bl4.Ops.Api.Telemetry;

namespace X0tta6bl4.Ops.Api.Data;

/// <summary>
/// The one NpgsqlDataSource (it is the pool). Every query goes through <see cref="RunAsync{T}"/>, which
/// times it by query class and keeps the busy-connection gauge true.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    public Database(string connectionString, DatabaseOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = options.MaxPoolSize,
            CommandTimeout = options.CommandTimeoutSeconds,
            Timeout = 5,
        };
        _dataSource = NpgsqlDataSource.Create(builder);
        ApiMetrics.DbPoolMax.Set(options.MaxPoolSize);
    }

    public async Task<T> RunAsync<T>(string queryClass, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            // Counted once rented: a request still waiting for a connection does not hold one (the gauge
            // could otherwise pass the pool's maximum).
            ApiMetrics.DbPoolBusy.Inc();
            try
            {
                return await work(connection);
            }
            finally
            {
                ApiMetrics.DbPoolBusy.Dec();
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            ApiMetrics.DbErrors.WithLabels(queryClass).Inc();
            throw;
        }
        finally
        {
            ApiMetrics.DbQueryDuration.WithLabels(queryClass).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}

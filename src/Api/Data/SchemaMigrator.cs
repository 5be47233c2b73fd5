namespace X0tta6bl4.Ops.Api.Data;

/// <summary>
/// Applies the schema at start, retrying while PostgreSQL is unreachable, so the Api starts (and
/// answers readiness with 503) even when the database comes up after it.
/// </summary>
public sealed class SchemaMigrator(Database database, ILogger<SchemaMigrator> logger) : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompleted;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await database.RunAsync("migrate", async c => { await Schema.MigrateAsync(c, stoppingToken); return 0; }, stoppingToken);
                _ready.TrySetResult();
                logger.LogInformation("Database schema is at version {Version}.", Schema.LatestVersion);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Database not ready ({Error}); retrying in {Delay}.", e.Message, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }
}

namespace X0tta6bl4.Ops.Tests;

/// <summary>
/// Where the real services started by scripts/stack listen. scripts/test exports these; a test run
/// without them fails with a message saying so (never skipped silently).
/// </summary>
internal static class StackEnvironment
{
    public static string PostgresConnection => Require("X0_PG_CONNECTION");

    public static string RedisConnection => Require("X0_REDIS_CONNECTION");

    public static string PrometheusUrl => Require("X0_PROMETHEUS_URL");

    public static string ApiUrl => Require("X0_API_URL");

    /// <summary>The repository root (the folder holding X0tta6bl4.Ops.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "X0tta6bl4.Ops.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("X0tta6bl4.Ops.sln not found above " + AppContext.BaseDirectory);
        }
    }

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. Run the tests with scripts/test, or start the stack (scripts/stack up) and `source $X0_STACK_DIR/stack.env` first.");
}

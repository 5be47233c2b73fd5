using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.ServiceDefaults;

/// <summary>
/// A bad configuration is a message, not a crash: options validated on start throw <see cref="OptionsValidationException"/>
/// out of the host's start, which the runtime would print as an unhandled exception with ~25 lines of stack. Every host
/// runs through <see cref="Run"/>: "Configuration problems:" and each problem on its own line, exit code 2 (as the load
/// CLI's bad arguments), nothing else.
/// </summary>
public static class ConfigurationProblems
{
    public const int ExitCode = 2;

    /// <param name="program">The host's own assembly. When it is not the process's entry point (WebApplicationFactory runs
    /// the host inside a test process) the exception is left to the caller, which reads its failures.</param>
    public static int Run(Action run, System.Reflection.Assembly program, TextWriter? error = null)
    {
        if (System.Reflection.Assembly.GetEntryAssembly() != program)
        {
            run();
            return 0;
        }

        try
        {
            run();
            return 0;
        }
        catch (Exception e) when (Problems(e) is { Count: > 0 } problems)
        {
            error ??= Console.Error;
            error.WriteLine("Configuration problems:");
            foreach (var problem in problems)
            {
                error.WriteLine($"  - {problem}");
            }

            return ExitCode;
        }
    }

    /// <summary>The validation failures inside an exception (options validation, possibly wrapped); empty for any other.</summary>
    public static IReadOnlyList<string> Problems(Exception e) => e switch
    {
        ConfigurationProblemException c => [c.Message],
        OptionsValidationException v => v.Failures.SelectMany(f => f.Split("; ", StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList(),
        AggregateException a => a.InnerExceptions.SelectMany(Problems).Distinct().ToList(),
        { InnerException: { } inner } => Problems(inner),
        _ => [],
    };
}

/// <summary>A configuration value that cannot work, found outside options validation (a connection string read late).</summary>
public sealed class ConfigurationProblemException(string message) : Exception(message);

namespace X0tta6bl4.Ops.Load.Cli;

/// <summary>The parsed command line; every problem is collected rather than the first one thrown.</summary>
internal sealed record CliArguments(string Command, string? PlanPath, string? BaseUrl, IReadOnlyList<string> AllowHosts,
    string? OutPath, string? MarkdownPath, string? HtmlPath, IReadOnlyList<string> Problems)
{
    public const string Usage = """
        usage: load run PLAN.json [--base-url URL] [--allow-host HOST]... [--out RUN.json] [--markdown RUN.md] [--html RUN.html]
               load default-plan [--base-url URL]
        Hosts allowed as targets: 127.0.0.1, localhost, ::1 and each --allow-host.
        """;

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var problems = new List<string>();
        var command = args.Count > 0 ? args[0] : "";
        string? plan = null, baseUrl = null, output = null, markdown = null, html = null;
        var hosts = new List<string>();
        if (command is not ("run" or "default-plan"))
        {
            problems.Add(command.Length == 0 ? "a command is needed: run or default-plan." : $"unknown command '{command}'.");
        }

        for (var i = 1; i < args.Count; i++)
        {
            string? Value()
            {
                if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return args[++i];
                }

                problems.Add($"{args[i]} needs a value.");
                return null;
            }

            switch (args[i])
            {
                case "--base-url": baseUrl = Value(); break;
                case "--allow-host": if (Value() is { } host) { hosts.Add(host); } break;
                case "--out" when command == "run": output = Value(); break;
                case "--markdown" when command == "run": markdown = Value(); break;
                case "--html" when command == "run": html = Value(); break;
                case var a when !a.StartsWith("--", StringComparison.Ordinal) && command == "run" && plan is null: plan = a; break;
                default: problems.Add($"unexpected argument '{args[i]}'."); break;
            }
        }

        if (command == "run" && plan is null)
        {
            problems.Add("run needs a plan file.");
        }

        return new CliArguments(command, plan, baseUrl, hosts, output, markdown, html, problems);
    }
}

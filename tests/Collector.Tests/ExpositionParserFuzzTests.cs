using X0tta6bl4.Ops.Collector.Sources.Scrape;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Collector.Tests;

public class ExpositionParserFuzzTests
{
    private static readonly string[] Fragments =
    [
        "{", "}", "\"", "\\", "=", ",", " ", "\t", "\n", "\r\n", "#", "# TYPE ", "# EOF\n", "NaN", "+Inf", "-Inf", "1e308", "1e309",
        "le=\"", "_bucket", "0x1F", "-", ".", "\\n", "\\\"", "\u00e9", "\u0000", "9999999999999999999999", " # {a=\"b\"} 1",
    ];

    [Fact]
    public void Parse_100000MutatedInputs_ThrowsNothingButTypedParseErrors()
    {
        var seeds = new[]
        {
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "python-client.txt")),
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "openmetrics.txt")),
        };
        var random = new Random(20261127);
        var parsed = 0;
        var refused = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var input = Mutate(seeds[i % seeds.Length], random);
            var format = i % 3 == 0 ? ExpositionFormat.OpenMetrics : ExpositionFormat.PrometheusText;
            try
            {
                ExpositionParser.Parse(input, format);
                parsed++;
            }
            catch (ExpositionParseException)
            {
                refused++;
            }
        }

        // Both outcomes must occur, or the mutations were too weak (or too strong) to test anything.
        Assert.True(parsed > 1000, $"only {parsed} inputs parsed");
        Assert.True(refused > 1000, $"only {refused} inputs were refused");
    }

    private static string Mutate(string seed, Random random)
    {
        var text = new System.Text.StringBuilder(seed);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits && text.Length > 0; e++)
        {
            var at = random.Next(text.Length);
            switch (random.Next(4))
            {
                case 0:
                    text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at));
                    break;
                case 1:
                    text.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2:
                    text[at] = (char)random.Next(0, 128);
                    break;
                default:
                    var length = Math.Min(random.Next(1, 40), text.Length - at);
                    text.Insert(random.Next(text.Length), text.ToString(at, length));
                    break;
            }
        }

        return text.ToString();
    }

    [Fact]
    public async Task Parse_TheRealApisPrometheusNetOutput_ReadsTheRequestFamilies()
    {
        using var http = new HttpClient();
        await http.GetAsync(StackEnvironment.ApiUrl + "/api/v1/status", TestContext.Current.CancellationToken);

        var text = await http.GetStringAsync(StackEnvironment.ApiUrl + "/metrics", TestContext.Current.CancellationToken);
        var exposition = ExpositionParser.Parse(text);

        Assert.Equal("counter", exposition.Types["x0tta6bl4_requests_total"]);
        Assert.Equal("histogram", exposition.Types["x0tta6bl4_request_duration_seconds"]);
        Assert.Contains(exposition.Samples, s => s.Name == "x0tta6bl4_requests_total" && s.Label("endpoint") == "/api/v1/status" && s.Value >= 1);
        Assert.Contains(exposition.Samples, s => s.Name == "x0tta6bl4_request_duration_seconds_bucket" && s.Label("le") == "+Inf");
        Assert.Contains(exposition.Samples, s => s.Name == "process_cpu_seconds_total");
    }
}

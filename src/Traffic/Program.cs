using X0tta6bl4.Ops.Traffic;

// Steady, realistic traffic for the Api so the dashboard has something true to show.
// Usage: dotnet run --project src/Traffic -- [api-url] [requests-per-second]
var apiUrl = args.ElementAtOrDefault(0) ?? Environment.GetEnvironmentVariable("X0_API_URL") ?? "http://127.0.0.1:58080";
var rateText = args.ElementAtOrDefault(1) ?? Environment.GetEnvironmentVariable("X0_TRAFFIC_RPS") ?? "20";
if (!Uri.TryCreate(apiUrl, UriKind.Absolute, out var api) || !double.TryParse(rateText, System.Globalization.CultureInfo.InvariantCulture, out var rate) || rate is <= 0 or > 10_000)
{
    Console.Error.WriteLine($"usage: traffic [api-url] [requests-per-second 0–10000]; got '{apiUrl}' '{rateText}'");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
await new TrafficGenerator(api, rate).RunAsync(stop.Token);
return 0;

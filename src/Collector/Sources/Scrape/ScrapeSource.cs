using System.Net.Http.Headers;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Sources.Scrape;

/// <summary>Scrapes one target's /metrics directly (no Prometheus needed).</summary>
public sealed class ScrapeSource : ISource, IPollBaseline
{
    private readonly HttpClient _http;
    private readonly Func<Uri?> _url;
    private readonly string _job;
    private readonly CollectorOptions _collector;
    private ScrapeDerivation? _derivation;

    /// <param name="url">Resolved at each poll, because this process's own address is known only once it listens.</param>
    public ScrapeSource(HttpClient http, string job, Func<Uri?> url, string endpointText, TimeSpan interval, TimeSpan timeout, CollectorOptions collector)
    {
        _http = http;
        _job = job;
        _url = url;
        _collector = collector;
        Endpoint = endpointText;
        Interval = interval;
        Timeout = timeout;
    }

    public string Name => "scrape/" + _job;

    public string Endpoint { get; }

    public TimeSpan Interval { get; }

    public TimeSpan Timeout { get; }

    public void ForgetPreviousPoll() => _derivation?.ForgetPreviousPoll();

    public async Task<IReadOnlyList<SeriesSample>> CollectAsync(long timestampMs, CancellationToken cancellationToken)
    {
        var url = _url() ?? throw new SourceException("The address to scrape is not known yet.");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("application/openmetrics-text;version=1.0.0;q=0.5");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain", 0.4));
        string body;
        ExpositionFormat format;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new SourceException($"GET {url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            format = ExpositionParser.FormatOf(response.Content.Headers.ContentType?.MediaType);
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new SourceException($"GET {url} failed: {e.Message}", e);
        }

        Exposition exposition;
        try
        {
            exposition = ExpositionParser.Parse(body, format);
        }
        catch (ExpositionParseException e)
        {
            throw new SourceException($"{url} served a malformed exposition: {e.Message}", e);
        }

        _derivation ??= new ScrapeDerivation(
            _job,
            $"{url.Host}:{url.Port}",
            TimeSpan.FromSeconds(_collector.WindowSeconds),
            _collector.LatencyHistograms,
            _collector.RequestCounters);
        return _derivation.Derive(exposition, timestampMs);
    }
}

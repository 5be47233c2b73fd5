using System.Net.Sockets;

namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>
/// Sends one iteration's request over the run's one HttpClient and records it: latency from the intended start,
/// service time from the actual send (its first byte on a connection, <see cref="WireStamp"/>), generator lag (the
/// engine issuing it − the intended start), the status class, and whether it failed.
/// </summary>
internal sealed class RequestSender(HttpClient client, IReadOnlyList<PreparedRequest> requests, RunRecorder recorder, TimeProvider time, CancellationToken runStopped)
{
    private readonly double[] _cumulativeWeights = Cumulative(requests);
    private readonly double _microsecondsPerTick = 1_000_000.0 / time.TimestampFrequency;

    /// <summary>One request name, drawn by weight.</summary>
    public int Pick()
    {
        var roll = Random.Shared.NextDouble() * _cumulativeWeights[^1];
        var i = Array.BinarySearch(_cumulativeWeights, roll);
        return Math.Min(i < 0 ? ~i : i + 1, requests.Count - 1);
    }

    /// <param name="intended">When the schedule wanted it sent; for the closed model pass null (it is sent now).</param>
    /// <param name="window">A capacity step's totals, also recorded into.</param>
    /// <param name="ct">Cancelled when the run stops (counted as interrupted) or the scenario's graceful stop ends (an error).</param>
    public async Task SendAsync(int request, long? intended, Totals? window, CancellationToken ct)
    {
        var prepared = requests[request];
        var sent = time.GetTimestamp();
        if (intended is { } due)
        {
            recorder.RecordLag(request, Micro(Math.Max(0, sent - due)));
        }

        var start = intended ?? sent;
        var wire = new WireStamp(time);
        WireStamp.Current = wire;
        Outcome outcome;
        var failed = true;
        try
        {
            using var message = prepared.Create(prepared.Variants == 1 ? 0 : Random.Shared.Next(prepared.Variants));
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            outcome = status switch
            {
                < 300 => Outcome.Status2xx,
                < 400 => Outcome.Status3xx,
                < 500 => Outcome.Status4xx,
                _ => Outcome.Status5xx,
            };
            failed = !prepared.IsExpected(status);
        }
        catch (OperationCanceledException) when (runStopped.IsCancellationRequested)
        {
            recorder.RecordInterrupted(request); // the run was stopped: an unanswered request is not the target's fault
            return;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or SocketException)
        {
            outcome = Outcome.Error; // refused, reset, timed out (HttpClient.Timeout) or abandoned at the graceful stop
        }

        var end = time.GetTimestamp();
        var onWire = wire.Timestamp != 0 ? wire.Timestamp : sent; // never written (refused before a connection): from the send
        recorder.Record(request, outcome, failed, Micro(end - start), Micro(end - onWire), window);
    }

    private long Micro(long ticks) => (long)(ticks * _microsecondsPerTick);

    private static double[] Cumulative(IReadOnlyList<PreparedRequest> requests)
    {
        var sums = new double[requests.Count];
        var total = 0.0;
        for (var i = 0; i < sums.Length; i++)
        {
            total += requests[i].Weight;
            sums[i] = total;
        }

        return sums;
    }
}

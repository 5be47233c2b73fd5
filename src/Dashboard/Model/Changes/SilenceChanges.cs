using System.Security.Claims;
using X0tta6bl4.Ops.Collector.Alerts.Delivery;

namespace X0tta6bl4.Ops.Dashboard.Model.Changes;

/// <summary>What creating a silence came to: its id, or the problems by field (or one for the whole form).</summary>
public sealed record SilenceResult(string? SilenceId, IReadOnlyDictionary<string, string> Problems)
{
    public bool Done => SilenceId is not null;

    public static SilenceResult Refused(string field, string problem) => new(null, new Dictionary<string, string> { [field] = problem });
}

/// <summary>
/// Silences live in Alertmanager, so Alertmanager, amtool and this page all see the same ones: operators create them
/// (from matchers, or from an alert's labels) and expire them; viewers are refused.
/// </summary>
public sealed class SilenceChanges(AlertmanagerApi alertmanager, TimeProvider time)
{
    public const string Forbidden = "Only operators create or expire silences. Nothing was changed.";

    public async Task<SilenceResult> CreateAsync(ClaimsPrincipal user, string? matchers, string? duration, string? comment, CancellationToken ct = default)
    {
        if (ChangeResult.UnlessOperator(user, "create or expire silences") is not null)
        {
            return SilenceResult.Refused("form", Forbidden);
        }

        var (form, problems) = SilenceForm.Read(matchers, duration, comment);
        if (form is null)
        {
            return new SilenceResult(null, problems);
        }

        return await CreateAsync(form.Matchers, form.Duration, ChangeResult.NameOf(user), form.Comment, ct);
    }

    /// <summary>A silence already checked (an acknowledgement's): created by <paramref name="createdBy"/> from now.</summary>
    public async Task<SilenceResult> CreateAsync(IReadOnlyList<SilenceMatcher> matchers, TimeSpan duration, string createdBy, string comment, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var answer = await alertmanager.FirstAsync(c => c.CreateSilenceAsync(new PostableSilence(matchers, now, now + duration, createdBy, comment), ct));
        return answer.Ok && answer.Value?.SilenceId is { } id
            ? new SilenceResult(id, new Dictionary<string, string>())
            : SilenceResult.Refused("form", $"Alertmanager did not create the silence: {answer.Error ?? "its answer had no silence id."} Nothing was changed.");
    }

    public async Task<ChangeResult> ExpireAsync(ClaimsPrincipal user, string id, CancellationToken ct = default)
    {
        if (ChangeResult.UnlessOperator(user, "create or expire silences") is { } refused)
        {
            return refused;
        }

        return await alertmanager.ExpireAsync(id, ct) is { } error
            ? ChangeResult.Refused($"Alertmanager did not expire silence {id}: {error}")
            : ChangeResult.Ok;
    }
}

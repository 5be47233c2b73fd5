using System.Security.Claims;
using X0tta6bl4.Ops.Dashboard.Auth;

namespace X0tta6bl4.Ops.Dashboard.Model.Changes;

/// <summary>What a change made by a person came to: done, or the reason nothing was changed.</summary>
public sealed record ChangeResult(bool Done, string? Problem)
{
    public static readonly ChangeResult Ok = new(true, null);

    public static ChangeResult Refused(string problem) => new(false, problem + " Nothing was changed.");

    /// <summary>Operators change things; viewers only read. Checked here, not only by hiding a button: an event can be sent without it.</summary>
    public static ChangeResult? UnlessOperator(ClaimsPrincipal user, string what) =>
        user.IsInRole(Roles.Operator) ? null : Refused($"Only operators {what}.");

    public static string NameOf(ClaimsPrincipal user) => user.Identity?.Name ?? "?";
}

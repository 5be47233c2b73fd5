using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Dashboard.Auth;

/// <summary>HTTP Basic for scripts and Grafana reading the query API, against the same users as the login page.</summary>
public sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SignIn signIn)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Basic";

    private TimeSpan? _lockedFor;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header) || !string.Equals(header.Scheme, SchemeName, StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            // RFC 7617: the scheme name is case-insensitive (above); the credentials are base64 of user-id ":" password.
            return Task.FromResult(AuthenticateResult.Fail("The Basic credentials are not base64."));
        }

        var colon = decoded.IndexOf(':');
        if (colon < 0)
        {
            return Task.FromResult(AuthenticateResult.Fail("The Basic credentials have no ':'."));
        }

        var result = signIn.Attempt(decoded[..colon], decoded[(colon + 1)..], Context.Connection.RemoteIpAddress, SchemeName, remembered: true);
        _lockedFor = result.LockedFor;
        return Task.FromResult(result.User is null
            ? AuthenticateResult.Fail(result.Locked ? "Too many failed sign-ins." : "Unknown user or wrong password.")
            : AuthenticateResult.Success(new AuthenticationTicket(AuthEndpoints.Principal(result.User, SchemeName), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_lockedFor is { } locked)
        {
            var seconds = Math.Ceiling(locked.TotalSeconds);
            Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await QueryApi.PromResponses.WriteErrorAsync(Context, "unavailable",
                $"too many failed sign-ins for this user or address; try again in {seconds:0} s", StatusCodes.Status429TooManyRequests);
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"x0tta6bl4 Ops\"";
    }
}

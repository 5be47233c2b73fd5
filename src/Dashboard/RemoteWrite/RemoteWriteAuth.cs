using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Collector.RemoteWrite;
using X0tta6bl4.Ops.Dashboard.Auth;

namespace X0tta6bl4.Ops.Dashboard.RemoteWrite;

/// <summary>
/// Who may push: a dashboard user over HTTP Basic (as for the query API), or the bearer token of RemoteWrite:BearerToken
/// (Prometheus's remote_write <c>authorization</c>). No cookie: a push never comes from a browser.
/// </summary>
public static class RemoteWriteAuth
{
    public const string Policy = "remote-write";

    public const string BearerScheme = "RemoteWriteBearer";

    public static IServiceCollection AddRemoteWrite(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRemoteWriteIngest(configuration);
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerScheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.AddAuthenticationSchemes(BasicAuthenticationHandler.SchemeName, BearerScheme).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>Compares the token in constant time; a wrong token fails (401), no token leaves it to Basic.</summary>
    public sealed class BearerTokenHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<RemoteWriteOptions> remoteWrite)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
                || !string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var expected = remoteWrite.Value.BearerToken;
            if (string.IsNullOrEmpty(expected))
            {
                return Task.FromResult(AuthenticateResult.Fail("No RemoteWrite:BearerToken is configured."));
            }

            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(header.Parameter)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
            {
                return Task.FromResult(AuthenticateResult.Fail("Wrong remote-write bearer token."));
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "remote-write")], BearerScheme);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), BearerScheme)));
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers.Append("WWW-Authenticate", "Bearer");
            return Task.CompletedTask;
        }
    }
}

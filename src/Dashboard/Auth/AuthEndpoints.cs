using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace X0tta6bl4.Ops.Dashboard.Auth;

public static class AuthEndpoints
{
    /// <summary>Only a local path: never an open redirect.</summary>
    private static string SafeReturn(string? returnUrl) =>
        string.IsNullOrEmpty(returnUrl) || !Uri.IsWellFormedUriString(returnUrl, UriKind.Relative) || returnUrl.StartsWith("//", StringComparison.Ordinal) ? "/" : returnUrl;

    public static ClaimsPrincipal Principal(UserOptions user, string scheme) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role)], scheme));

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        // Form posts: the antiforgery middleware checks the token the login form carries.
        app.MapPost("/auth/login", async (HttpContext context, [FromForm] string? username, [FromForm] string? password, [FromForm] string? returnUrl, SignIn signIn) =>
        {
            var target = SafeReturn(returnUrl);
            var result = signIn.Attempt(username, password, context.Connection.RemoteIpAddress, "form");
            if (result.LockedFor is { } locked)
            {
                return Results.Redirect($"/login?error=locked&retry={Math.Ceiling(locked.TotalSeconds):0}&returnUrl={Uri.EscapeDataString(target)}");
            }

            if (result.User is not { } user)
            {
                return Results.Redirect($"/login?error=1&returnUrl={Uri.EscapeDataString(target)}");
            }

            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Principal(user, CookieAuthenticationDefaults.AuthenticationScheme));
            return Results.LocalRedirect(target);
        }).AllowAnonymous();

        // Single sign-on, when Auth:Oidc is configured: the provider signs the user in, the cookie keeps them.
        app.MapGet("/auth/oidc", (string? returnUrl, Microsoft.Extensions.Options.IOptions<AuthOptions> options) =>
            options.Value.Oidc.Enabled
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = SafeReturn(returnUrl) }, [Hosting.AuthServiceCollectionExtensions.OidcScheme])
                : Results.NotFound()).AllowAnonymous();

        app.MapPost("/auth/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        });
        return app;
    }
}

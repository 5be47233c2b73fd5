using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Dashboard.Auth;

namespace X0tta6bl4.Ops.Dashboard.Hosting;

public static class AuthServiceCollectionExtensions
{
    public const string ApiPolicy = "api";

    public const string OidcScheme = "oidc";

    /// <summary>
    /// One data-protection key ring for every dashboard on the store (<see cref="StoreKeyRepository"/>, in the store's
    /// database): a cookie or antiforgery token made by one replica is read by the others.
    /// </summary>
    public static IServiceCollection AddStoreKeyRing(this IServiceCollection services)
    {
        services.TryAddSingleton<StoreKeyRepository>();
        services.AddSingleton<X0tta6bl4.Ops.Metrics.Store.IStoreSchema>(sp => sp.GetRequiredService<StoreKeyRepository>());
        services.AddDataProtection().SetApplicationName("x0tta6bl4-ops");
        services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<StoreKeyRepository>((o, keys) => o.XmlRepository = keys);
        return services;
    }

    /// <summary>Cookie sign-in for people, HTTP Basic for scripts; both against <see cref="UserDirectory"/>.</summary>
    public static IServiceCollection AddDashboardAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());
        services.TryAddSingleton<UserDirectory>();
        services.TryAddSingleton<SignInThrottle>();
        services.TryAddSingleton<SignIn>();
        services.AddStoreKeyRing();
        // Cookies are Secure whenever the request came over HTTPS (the cookie and the form's antiforgery token).
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        var authentication = services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme);
        authentication
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.Cookie.Name = "x0tta6bl4-ops";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
            })
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BasicAuthenticationHandler>(BasicAuthenticationHandler.SchemeName, null);
        var oidc = configuration.GetSection(AuthOptions.Section + ":Oidc").Get<OidcOptions>() ?? new OidcOptions();
        if (oidc.Enabled)
        {
            authentication.AddOpenIdConnect(OidcScheme, o =>
            {
                o.Authority = oidc.Authority;
                o.ClientId = oidc.ClientId;
                o.ClientSecret = oidc.ClientSecret;
                o.ResponseType = "code";
                o.UsePkce = true;
                o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
                o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.MapInboundClaims = false;
                o.Scope.Clear();
                o.Scope.Add("openid");
                o.Scope.Add("profile");
                o.Events.OnTokenValidated = context =>
                {
                    // Our two roles, from the provider's role (or group) claim.
                    var identity = (System.Security.Claims.ClaimsIdentity)context.Principal!.Identity!;
                    var name = identity.FindFirst("name")?.Value ?? identity.FindFirst("preferred_username")?.Value ?? identity.FindFirst("sub")?.Value ?? "?";
                    var isOperator = identity.FindAll(oidc.RoleClaim).Any(c => c.Value == oidc.OperatorValue);
                    context.Principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                        [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, name),
                         new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, isOperator ? Roles.Operator : Roles.Viewer)],
                        CookieAuthenticationDefaults.AuthenticationScheme));
                    return Task.CompletedTask;
                };
            });
        }

        services.AddAuthorizationBuilder()
            // Pages: the cookie, and a redirect to the sign-in page when there is none.
            .SetDefaultPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(CookieAuthenticationDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser().Build())
            // The query API and CSV: the cookie or HTTP Basic, and a 401 (Basic challenges last).
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme, BasicAuthenticationHandler.SchemeName).RequireAuthenticatedUser())
            .AddPolicy(Roles.Operator, p => p.RequireRole(Roles.Operator));
        services.AddCascadingAuthenticationState();
        return services;
    }
}

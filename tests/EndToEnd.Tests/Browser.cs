using Microsoft.Playwright;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>Debian's Chromium driven by Playwright, offline; records console errors for the test to fail on.</summary>
public sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (ConsoleErrors)
                {
                    ConsoleErrors.Add($"{message.Text} ({message.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (ConsoleErrors)
            {
                ConsoleErrors.Add(error);
            }
        };
    }

    public IPage Page { get; }

    public const int Width = 1366;

    /// <summary>
    /// Fails when the page, or any box in it (a table's scroll container), is wider than it shows: a table cut
    /// off at the right with its buttons out of reach counts, even when the page itself does not scroll.
    /// </summary>
    public async Task AssertFitsTheWindowAsync(string what)
    {
        var overflowing = await Page.EvaluateAsync<string[]>("""
            () => [document.documentElement, ...document.body.querySelectorAll('*')]
                .filter(e => e.scrollWidth > e.clientWidth + 1 && (e === document.documentElement || ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)))
                .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}${e.dataset.testid ? '[' + e.dataset.testid + ']' : ''} ${e.scrollWidth - e.clientWidth} px`)
            """);
        if (overflowing.Length > 0)
        {
            await ScreenshotAsync("too-wide-" + string.Concat(what.Where(char.IsLetterOrDigit)));
        }

        Assert.True(overflowing.Length == 0, $"{what} does not fit a {Width}-px window: {string.Join("; ", overflowing)}");
    }

    public List<string> ConsoleErrors { get; } = [];

    public static async Task<Browser> OpenAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run",
            ],
        });
        // A common laptop width: every page must fit it without scrolling sideways.
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = Width, Height = 1000 } });
        // Anything the Content-Security-Policy blocks becomes a console error, which every browser test fails on.
        await page.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e =>
                console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
            """);
        return new Browser(playwright, browser, page);
    }

    /// <summary>Opens a page of the dashboard (signing in first if it asks) and waits until its circuit is live.</summary>
    public async Task OpenPageAsync(Uri baseAddress, string path)
    {
        await Page.GotoAsync(new Uri(baseAddress, path).ToString());
        if (Page.Url.Contains("/login", StringComparison.Ordinal))
        {
            await Page.FillAsync("[data-testid=login-user]", DashboardProcess.User);
            await Page.FillAsync("[data-testid=login-password]", DashboardProcess.Password);
            await Page.ClickAsync("[data-testid=login-submit]");
        }

        await Page.WaitForSelectorAsync("[data-interactive=true]", new() { Timeout = 30_000 });
    }

    /// <summary>Saves a screenshot under $X0_ARTIFACTS_DIR/screenshots (artifacts/ by default).</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var root = Environment.GetEnvironmentVariable("X0_ARTIFACTS_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(X0tta6bl4.Ops.Tests.StackEnvironment.RepositoryRoot, "artifacts");
        var path = Path.Combine(root, "screenshots", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

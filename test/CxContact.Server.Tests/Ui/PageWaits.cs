using PuppeteerSharp;

namespace CxContact.Server.Tests.Ui;

/// <summary>
/// Reading and waiting on a page in the UI tests: conditions are polled in the browser (no sleeps), and a condition
/// never met fails with what the page showed in the sections the test names.
/// </summary>
internal static class PageWaits
{
    private static readonly WaitForFunctionOptions Patiently = new() { Timeout = 60_000, PollingInterval = 200 };

    /// <summary>The element's text, or "" when there is no such element.</summary>
    public static Task<string> TextAsync(IPage page, string selector) =>
        page.EvaluateFunctionAsync<string>("s => document.querySelector(s)?.textContent ?? ''", selector);

    /// <summary>Waits for a condition; on timeout, fails with the text of the <paramref name="shown"/> sections.</summary>
    public static async Task UntilAsync(IPage page, IReadOnlyList<string> shown, string condition, params object[] args)
    {
        try { await page.WaitForFunctionAsync(condition, Patiently, args); }
        catch (WaitTaskTimeoutException)
        {
            var text = await page.EvaluateFunctionAsync<string>(
                "sections => sections.map(s => s + ': ' + (document.querySelector(s)?.innerText ?? '')).join('\\n')", shown);
            Assert.Fail($"The page never met {condition}; it showed:\n{text}");
        }
    }
}

using System.Text.Json;
using PuppeteerSharp;

namespace CxContact.Server.Tests.Ui;

/// <summary>
/// axe-core (Deque.AxeCore.Commons' copy) injected into the page and run on it: the serious and critical violations,
/// each with the elements it found them on, so a failure says what to fix.
/// </summary>
internal static class Accessibility
{
    /// <summary>Fails with every serious or critical violation on the page, named with where it was found.</summary>
    public static async Task AssertCleanAsync(IPage page, string where)
    {
        var violations = await SeriousViolationsAsync(page);
        Assert.True(violations.Count == 0, $"{where}: axe-core found\n" + string.Join("\n", violations));
    }

    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        await page.EvaluateExpressionAsync(new Deque.AxeCore.Commons.BundledAxeScriptProvider().GetScript());
        var json = await page.EvaluateFunctionAsync<string>("""
            async () => {
              const r = await axe.run(document, { resultTypes: ['violations'] });
              return JSON.stringify(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ') + ' [' + (n.failureSummary || '').replace(/\s+/g, ' ') + ']').join(', ')));
            }
            """);
        return JsonSerializer.Deserialize<List<string>>(json)!;
    }
}

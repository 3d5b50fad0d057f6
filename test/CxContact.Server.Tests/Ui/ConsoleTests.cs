using CxContact.Testing;
using System.Net;
using CxContact.Server.Tests.Infrastructure;
using PuppeteerSharp;
using static CxContact.Server.Tests.Ui.ConsolePage;

namespace CxContact.Server.Tests.Ui;

/// <summary>
/// The admin console (Blazor WebAssembly, served at /) in headless Chromium against the real server: sign-in with the
/// error next to the field, the pages a supervisor opens first, "can I call now?" with its reason, and no serious
/// or critical axe-core violation on any of them. Screenshots of each page go to the test artifacts directory.
/// </summary>
public sealed class ConsoleTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    /// <summary>Opens a MudSelect (found by its test id, or by its label) and clicks the option with the given text.</summary>
    private static async Task PickAsync(IPage page, string selector, string option, string? fallbackLabel = null)
    {
        var opened = await page.EvaluateFunctionAsync<bool>("""
            (selector, label) => {
                let host = label
                    ? [...document.querySelectorAll('.mud-select')].find(s => s.querySelector('label')?.innerText.trim() === label)
                    : document.querySelector(selector);
                const input = host?.querySelector('.mud-input-slot, .mud-select-input, input') ?? host;
                if (!input) return false;
                input.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
                input.click();
                return true;
            }
            """, selector, fallbackLabel);
        Assert.True(opened, $"no select {fallbackLabel ?? selector}");
        await PageWaits.UntilAsync(page, ["main"], "t => [...document.querySelectorAll('.mud-popover-open .mud-list-item')].some(i => i.innerText.includes(t))", option);
        await page.EvaluateFunctionAsync("t => [...document.querySelectorAll('.mud-popover-open .mud-list-item')].find(i => i.innerText.includes(t)).click()", option);
        await page.Keyboard.PressAsync("Escape");
    }

    [Fact]
    public async Task A_wrong_key_is_refused_at_the_field_and_a_right_one_signs_in_to_accessible_pages()
    {
        var (_, key, _) = await TenantAsync(api);
        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await OpenAsync(browser, api);

        await SignInAsync(page, "cxc_not-a-real-key");
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('main').innerText.includes('This key is not valid')");
        await Accessibility.AssertCleanAsync(page, "sign-in");
        await ScreenshotAsync(page, "sign-in-refused");

        await page.ReloadAsync();
        await SignInAsync(page, key);
        await PageWaits.UntilAsync(page, ["main", "header"], "() => document.querySelector('[data-testid=who]')?.innerText.includes('Console ')");
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('main').innerText.includes('No campaign is running')");
        await Accessibility.AssertCleanAsync(page, "home");
        await ScreenshotAsync(page, "home");

        // The key is this tab's: a reload keeps the session, and each page is usable by keyboard and screen reader.
        foreach (var (path, heading) in new[]
                 {
                     ("lists", "Contact lists"), ("campaigns", "Campaigns"), ("campaigns/new", "New campaign"), ("compliance/can-i-call", "Can I call this number now?"),
                     ("compliance/rules", "Compliance rules"), ("compliance/decisions", "Decisions and audit log"),
                 })
        {
            await page.GoToAsync(new Uri(api.BaseAddress, "/" + path).ToString());
            await PageWaits.UntilAsync(page, ["main"], "h => document.querySelector('h1')?.innerText === h", heading);
            await Accessibility.AssertCleanAsync(page, "/" + path);
            await ScreenshotAsync(page, path.Replace('/', '-'));
        }

        // Usable at 768 px too: no page scrolls sideways (tables fold into labelled cards, the drawer closes).
        await page.SetViewportAsync(new ViewPortOptions { Width = 768, Height = 1024 });
        foreach (var path in new[] { "", "lists", "suppression", "campaigns", "campaigns/new", "schedules", "compliance/can-i-call", "compliance/rules", "compliance/decisions" })
        {
            await page.GoToAsync(new Uri(api.BaseAddress, "/" + path).ToString());
            await PageWaits.UntilAsync(page, ["main"], "() => !!document.querySelector('h1')");
            var widths = await page.EvaluateFunctionAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
            var (scroll, client) = (widths[0], widths[1]);
            Assert.True(scroll <= client, $"/{path} is {scroll} px wide in a {client} px window");
            await ScreenshotAsync(page, "768-" + (path.Length == 0 ? "home" : path.Replace('/', '-')));
        }
    }

    [Fact]
    public async Task Can_I_call_now_answers_a_suppressed_number_with_deny_and_its_reason()
    {
        var (_, key, http) = await TenantAsync(api);
        var dnc = new Suppression.SuppressionClient(http);
        await dnc.AddAsync(await dnc.CreateListAsync(new { name = "Do not call" }), new { type = "phone", value = "+49 30 1234567" });

        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await OpenAsync(browser, api, "compliance/can-i-call");
        await SignInAsync(page, key);
        await page.WaitForSelectorAsync(Input("phone"), new WaitForSelectorOptions { Timeout = 60_000 });

        // An empty number is refused in the form, before any call.
        await page.ClickAsync("main button[type=submit]");
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('main').innerText.includes('Enter a phone number')");

        await page.TypeAsync(Input("phone"), "+49 30 1234567");
        await page.ClickAsync("main button[type=submit]");
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('[data-testid=decision]')?.innerText === 'deny'");
        var reasons = await PageWaits.TextAsync(page, "[data-testid=reasons]");
        Assert.Contains("suppress", reasons, StringComparison.OrdinalIgnoreCase);
        await Accessibility.AssertCleanAsync(page, "can I call");
        await ScreenshotAsync(page, "can-i-call-deny");
    }

    [Fact]
    public async Task A_schedule_is_built_with_its_next_runs_created_and_run_now()
    {
        var (_, key, http) = await TenantAsync(api);
        var list = (await HttpAssert.Json(await http.PostJson("/api/v1/contact-lists", new { name = "Renewals" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await HttpAssert.Json(await http.PostJson("/api/v1/campaigns", new { name = "Spring renewals", contactLists = new[] { new { id = list, weight = 1 } } }),
            HttpStatusCode.Created);

        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await OpenAsync(browser, api, "schedules");
        await SignInAsync(page, key);
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelectorAll('[data-testid=cron-next] li').length === 5");
        Assert.Equal("0 7 * * 1-5", await PageWaits.TextAsync(page, "[data-testid=cron-value]"));

        // Nothing chosen: the API's answer is shown next to the fields it names.
        await page.ClickAsync("[data-testid=schedule-create]");
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('main').innerText.includes('is required')");

        await page.TypeAsync(Input("schedule-name"), "Morning preload");
        await page.ClickAsync("[data-testid=schedule-campaign]");
        await PageWaits.UntilAsync(page, ["body"], "() => [...document.querySelectorAll('.mud-popover-open .mud-list-item')].some(e => e.innerText.includes('Spring renewals'))");
        await page.EvaluateExpressionAsync("[...document.querySelectorAll('.mud-popover-open .mud-list-item')].find(e => e.innerText.includes('Spring renewals')).click()");
        await page.ClickAsync("[data-testid=schedule-create]");
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('[data-testid=schedules]').innerText.includes('Morning preload')");
        await Accessibility.AssertCleanAsync(page, "schedules");
        await ScreenshotAsync(page, "schedules");

        await page.ClickAsync("button[aria-label='Run now: Morning preload']");
        await PageWaits.UntilAsync(page, ["main"], "() => /manual\\s+succeeded/.test(document.querySelector('[data-testid=runs]')?.innerText ?? '')");
        var schedules = await HttpAssert.Json(await http.GetAsync("/api/v1/schedules"), HttpStatusCode.OK);
        var created = schedules.EnumerateArray().Single();
        Assert.Equal(("0 7 * * 1-5", "preload-campaign"), (created.GetProperty("cron").GetString(), created.GetProperty("action").GetProperty("type").GetString()));
        await ScreenshotAsync(page, "schedule-runs");
    }

    [Fact]
    public async Task A_campaign_is_preloaded_its_why_report_read_started_and_its_stats_move()
    {
        var c = await Campaigns.CampaignClient.NewTenantAsync(api.Admin(), api.Client);
        var list = await c.ListAsync(0, "client_id,first_name,phone1,tz\nA,Ann,+4930123401,Europe/Berlin\nB,Bob,+4930123402,Europe/Berlin\nC,Cat,+4930123403,Europe/Berlin\n");
        var dnc = await c.Suppression.CreateListAsync(new { name = "Do not call" });
        await c.Suppression.AddAsync(dnc, new { type = "phone", value = "+4930123402" });

        // Created in the wizard: a wrong hour is named at its field, on the step that holds it.
        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await OpenAsync(browser, api, "campaigns/new");
        await SignInAsync(page, c.Keys.Admin);
        await page.WaitForSelectorAsync(Input("campaign-name"), new WaitForSelectorOptions { Timeout = 60_000 });
        await page.TypeAsync(Input("campaign-name"), "Berlin renewals");
        await page.ClickAsync("[data-testid=next]");
        await PickAsync(page, "[data-testid=campaign-list]", (await c.Lists.ListAsync(list)).GetProperty("name").GetString()!);
        await PickAsync(page, "", "Do not call", fallbackLabel: "Suppression lists");
        await page.ClickAsync("[data-testid=next]");
        await page.ClickAsync("[data-testid=next]");
        await page.ClickAsync("[data-testid=next]");
        await page.TypeAsync(Input("hours-from"), "25:00");
        await page.TypeAsync(Input("hours-till"), "20:00");
        await page.ClickAsync("[data-testid=campaign-save]");
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('main').innerText.includes('is not a time of day')");
        await Accessibility.AssertCleanAsync(page, "campaign editor");
        await ScreenshotAsync(page, "campaign-editor-error");
        await page.ClickAsync(Input("hours-from"), new PuppeteerSharp.Input.ClickOptions { Count = 3 });
        await page.TypeAsync(Input("hours-from"), "08:00");
        await page.ClickAsync("[data-testid=campaign-save]");
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('[data-testid=state]')?.innerText === 'draft'");
        var id = Guid.Parse(page.Url.Split('/')[^1]);
        var created = await c.GetAsync(id);
        Assert.Equal(("08:00", 1), (created.GetProperty("callingHours").GetProperty("from").GetString(), created.GetProperty("suppressionLists").GetArrayLength()));

        // Resuming a draft is refused (409) with the API's reason, shown on the page.
        await page.ClickAsync("[data-testid=action-resume]");
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('[data-testid=problem]')?.innerText.includes('Could not resume')");
        var refusal = await PageWaits.TextAsync(page, "[data-testid=problem]");
        Assert.DoesNotContain("The API answered", refusal); // the problem's own words, not a bare status

        await page.ClickAsync("[data-testid=action-preload]");
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('[data-testid=state]')?.innerText === 'ready'");
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=report]')?.innerText ?? '').includes('suppress')");
        await Accessibility.AssertCleanAsync(page, "campaign");
        await ScreenshotAsync(page, "campaign-preloaded");

        await page.ClickAsync("[data-testid=action-start]");
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('[data-testid=state]')?.innerText === 'running'");
        var lease = await c.LeaseAsync(id, 10);
        foreach (var r in Campaigns.CampaignClient.Records(lease))
            await c.ResultAsync(id, lease.GetProperty("leaseId").GetGuid(), r.GetProperty("recordId").GetInt64(), "no-answer");
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('[data-testid=dialed]')?.innerText === '2'");
        await ScreenshotAsync(page, "campaign-running");

        // Why: Bob is found by name and is not dialed because of the do-not-call list.
        await page.TypeAsync(Input("why-find"), "Bob");
        await page.ClickAsync("[data-testid=why-search]");
        await page.WaitForSelectorAsync("[data-testid=why-found] a");
        await page.ClickAsync("[data-testid=why-found] a");
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=why-device]')?.innerText ?? '').toLowerCase().includes('suppress')");
        await Accessibility.AssertCleanAsync(page, "why");
        await ScreenshotAsync(page, "why");

        // Home follows the running campaign live over its event stream.
        await page.GoToAsync(new Uri(api.BaseAddress, "/").ToString());
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('[data-testid=live-dialed]') !== null");
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=alerts]')?.innerText ?? '').includes('Nothing needs attention')");
        // The stream carries the campaign's own figures: the two calls dialed above.
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('[data-testid=live-total-dialed]')?.innerText === '2'");
        await Accessibility.AssertCleanAsync(page, "home live");
        await ScreenshotAsync(page, "home-live");

        await page.GoToAsync(new Uri(api.BaseAddress, $"/campaigns/{id}/simulator").ToString());
        await page.WaitForSelectorAsync("[data-testid=simulate]", new WaitForSelectorOptions { Timeout = 30_000 });
        await Accessibility.AssertCleanAsync(page, "simulator");
    }

    [Fact]
    public async Task A_number_is_added_to_a_suppression_list_found_by_lookup_and_removed()
    {
        var (_, key, http) = await TenantAsync(api);
        var dnc = new Suppression.SuppressionClient(http);
        var list = await dnc.CreateListAsync(new { name = "Agent DNC" });

        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await OpenAsync(browser, api, "suppression");
        await SignInAsync(page, key);
        await page.WaitForSelectorAsync(Input("entry-value"), new WaitForSelectorOptions { Timeout = 60_000 });

        // A value that is not a phone number is refused at the field, with the API's words.
        await page.TypeAsync(Input("entry-value"), "not a number");
        await page.ClickAsync("[data-testid=entry-add]");
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('main').innerText.toLowerCase().includes('phone')"
            + " && !!document.querySelector('.mud-input-error')");

        await page.ClickAsync(Input("entry-value"), new PuppeteerSharp.Input.ClickOptions { Count = 3 });
        await page.TypeAsync(Input("entry-value"), "+49 30 1234567");
        await page.ClickAsync("[data-testid=entry-add]");
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('[data-testid=entries]').innerText.includes('+49301234567')");

        await page.TypeAsync(Input("lookup-phone"), "+49 (30) 123-4567");
        await page.ClickAsync("[data-testid=lookup]");
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=lookup-answer]')?.innerText ?? '').includes('suppressed by: Agent DNC')");
        await Accessibility.AssertCleanAsync(page, "suppression");
        await ScreenshotAsync(page, "suppression");

        await page.ClickAsync("button[aria-label='Remove +49301234567']");
        await PageWaits.UntilAsync(page, ["main"], "() => !document.querySelector('[data-testid=entries]').innerText.includes('+49301234567')");
        Assert.False(await dnc.PhoneSuppressedAsync(list, "+49301234567"));
    }

    [Fact]
    public async Task A_list_is_created_imported_with_a_mapping_and_its_rejects_seen_before_and_after()
    {
        var (_, key, http) = await TenantAsync(api);
        var file = Path.Combine(Directory.CreateTempSubdirectory("cxc-console-import-").FullName, "customers.csv");
        // 25 good rows and 2 bad ones: under the 10 % of rejects at which an import fails.
        await File.WriteAllTextAsync(file, "client_id,phone1,Balance\n" + string.Concat(Enumerable.Range(1, 25).Select(i => $"A{i},+1212555{i:0000},12.50\n"))
            + "B1,12,3\nB2,+12125550199,lots\n");

        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await OpenAsync(browser, api, "lists");
        await SignInAsync(page, key);
        await page.WaitForSelectorAsync(Input("list-name"), new WaitForSelectorOptions { Timeout = 60_000 });
        await page.TypeAsync(Input("list-name"), "Spring customers");
        await page.ClickAsync("[data-testid=list-create]");

        // Upload: the file's head goes to the server's dry run, which maps the header by name.
        var input = await page.WaitForSelectorAsync("input[type=file]", new WaitForSelectorOptions { Timeout = 30_000 });
        await input.UploadFileAsync(file);
        await PageWaits.UntilAsync(page, ["main"], "() => !document.querySelector('[data-testid=to-columns]').disabled");
        await page.ClickAsync("[data-testid=to-columns]");
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=preview-counts]')?.innerText ?? '').includes('1 rejected')");

        // Balance becomes a number: the live parse now rejects B2 too, naming the column and the value.
        await page.SelectAsync("#map-3", "custom");
        await page.WaitForSelectorAsync("#map-3-type");
        await page.SelectAsync("#map-3-type", "number");
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=preview-rejects]')?.innerText ?? '').includes('\"lots\" is not a number')");
        Assert.Contains("2 rejected", await page.EvaluateExpressionAsync<string>("document.querySelector('[data-testid=preview-counts]').innerText"));
        await Accessibility.AssertCleanAsync(page, "import mapping");
        await ScreenshotAsync(page, "import-mapping");

        await page.ClickAsync("[data-testid=to-rules]");
        await page.WaitForSelectorAsync("[data-testid=start-import]");
        await page.ClickAsync("[data-testid=start-import]");
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=import-state]')?.innerText ?? '').startsWith('succeeded')");
        Assert.Equal(("25", "2"), (await page.EvaluateExpressionAsync<string>("document.querySelector('[data-testid=import-accepted]').innerText"),
            await page.EvaluateExpressionAsync<string>("document.querySelector('[data-testid=import-rejected]').innerText")));
        await page.WaitForSelectorAsync("[data-testid=download-errors]");
        await Accessibility.AssertCleanAsync(page, "import summary");
        await ScreenshotAsync(page, "import-summary");

        var lists = await HttpAssert.Json(await http.GetAsync("/api/v1/contact-lists"), HttpStatusCode.OK);
        var list = Assert.Single(lists.EnumerateArray());
        var view = await HttpAssert.Json(await http.GetAsync($"/api/v1/contact-lists/{list.GetProperty("id").GetGuid()}"), HttpStatusCode.OK);
        Assert.Equal(25, view.GetProperty("records").GetInt64());
    }

    [Fact]
    public async Task Rules_read_as_a_table_overrides_are_refused_at_their_field_then_saved_and_decisions_found()
    {
        var (_, key, http) = await TenantAsync(api);
        var validated = await HttpAssert.Json(await http.PostJson("/api/v1/compliance/validate", new
        {
            phone = "+13055550123", at = "2026-06-09T23:30:00-04:00", channel = "voice", dialingMode = "preview", purpose = "sales",
        }), HttpStatusCode.OK);
        Assert.Equal("deny", validated.GetProperty("decision").GetString());

        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await OpenAsync(browser, api, "compliance/rules");
        await SignInAsync(page, key);
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=rule-count]')?.innerText ?? '').includes(' of ')");
        await page.TypeAsync(Input("rule-filter"), "US-FL");
        await PageWaits.UntilAsync(page, ["main"], "() => [...document.querySelectorAll('[data-testid=rules] tbody tr')].length > 0 && "
            + "[...document.querySelectorAll('[data-testid=rules] tbody th')].every(th => th.innerText.includes('US-FL'))");
        await Accessibility.AssertCleanAsync(page, "rules");
        await ScreenshotAsync(page, "rules");

        // An override with a bad window is refused, the error naming the rule's field.
        await page.TypeAsync(Input("override-id"), "acme");
        await page.EvaluateFunctionAsync("v => { const t = document.querySelector('[data-testid=overrides]'); t.value = v; t.dispatchEvent(new Event('change')); }",
            """{ "callingWindows": [ { "id": "acme-hours", "citation": "policy", "effectiveFrom": "2026-01-01", "country": "US", "weekdays": ["9-5"] } ] }""");
        await page.ClickAsync("[data-testid=override-save]");
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=override-errors]')?.innerText ?? '').includes('callingWindows[0].weekdays')");
        await Accessibility.AssertCleanAsync(page, "rules with errors");
        await page.EvaluateFunctionAsync("v => { const t = document.querySelector('[data-testid=overrides]'); t.value = v; t.dispatchEvent(new Event('change')); }",
            """{ "callingWindows": [ { "id": "acme-hours", "citation": "policy", "effectiveFrom": "2026-01-01", "country": "US", "weekdays": ["09:00-17:00"] } ] }""");
        await page.ClickAsync("[data-testid=override-save]");
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=rule-set]')?.innerText ?? '').includes('acme')");
        var sets = await HttpAssert.Json(await http.GetAsync("/api/v1/rule-sets"), HttpStatusCode.OK);
        Assert.Contains(sets.EnumerateArray(), s => s.GetProperty("id").GetString() == "acme");

        await page.GoToAsync(new Uri(api.BaseAddress, "/compliance/decisions").ToString());
        await page.WaitForSelectorAsync(Input("decision-subject"), new WaitForSelectorOptions { Timeout = 30_000 });
        await page.TypeAsync(Input("decision-subject"), "+13055550123");
        await page.ClickAsync("[data-testid=decision-search]");
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=decisions]')?.innerText ?? '').includes('deny')");
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=audit]')?.innerText ?? '').includes('rule-set')");
        await Accessibility.AssertCleanAsync(page, "decisions");
        await ScreenshotAsync(page, "decisions");
    }
}

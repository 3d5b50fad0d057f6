using CxContact.Testing;
using System.Net;
using CxContact.Server.Messaging;
using CxContact.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using PuppeteerSharp;
using static CxContact.Server.Tests.Ui.ConsolePage;

namespace CxContact.Server.Tests.Ui;

/// <summary>
/// The console's messaging and settings pages in headless Chromium against the real server: a template refused at
/// its body and then saved with its SMS length, a gateway that cannot be reached tested with the reason, an API key
/// whose secret is shown once and which stops working when revoked, and each page clean under axe-core at 1280 px
/// and without sideways scrolling at 768 px.
/// </summary>
public sealed class ConsoleMessagingSettingsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    /// <summary>
    /// One text to a contact, delivered, written through the outbox as the sender writes it: running a campaign through
    /// a gateway is the messaging tests' job, and the page only reads what the outbox holds.
    /// </summary>
    private async Task<Guid> DeliveredTextAsync(Guid tenantId)
    {
        var outbox = api.Services.GetRequiredService<MessageOutbox>();
        var (contactId, messageId) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await outbox.ClaimAsync([new(messageId, tenantId, Guid.CreateVersion7(), 1, 1, contactId, "sms", "+4930123401", Guid.CreateVersion7(), Guid.CreateVersion7(),
            null, "Hi Ann, see you tomorrow.", 1, MessageOutbox.Queued, 0, null, null, DateTimeOffset.UtcNow, null, null)], CancellationToken.None);
        await outbox.MoveAsync(tenantId, messageId, MessageOutbox.Sending, null, CancellationToken.None);
        await outbox.MoveAsync(tenantId, messageId, MessageOutbox.Sent, null, CancellationToken.None, gatewayMessageId: "kannel-42");
        await outbox.MoveAsync(tenantId, messageId, MessageOutbox.Delivered, "DELIVRD", CancellationToken.None);
        return contactId;
    }


    private static async Task ReplaceAsync(IPage page, string testId, string text)
    {
        await page.ClickAsync(Input(testId));
        await page.Keyboard.DownAsync("Control");
        await page.Keyboard.PressAsync("a");
        await page.Keyboard.UpAsync("Control");
        await page.Keyboard.PressAsync("Backspace");
        await page.TypeAsync(Input(testId), text);
    }

    /// <summary>Confirms MudBlazor's message box by its button's words (textContent: the theme upper-cases what innerText shows).</summary>
    private static async Task ConfirmAsync(IPage page, string button)
    {
        const string find = "b => [...document.querySelectorAll('.mud-dialog button')].find(e => e.textContent.trim() === b)";
        await PageWaits.UntilAsync(page, ["body"], $"b => !!({find})(b)", button);
        await page.EvaluateFunctionAsync($"b => ({find})(b).click()", button);
    }

    [Fact]
    public async Task An_sms_template_is_refused_at_its_body_for_an_unknown_field_and_saved_with_its_segments_once_fixed()
    {
        var key = (await TenantAsync(api)).Key;
        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await OpenAsync(browser, api, "messaging/templates");
        await SignInAsync(page, key);
        await page.WaitForSelectorAsync(Input("template-name"), new WaitForSelectorOptions { Timeout = 60_000 });

        await page.TypeAsync(Input("template-name"), "Appointment reminder");
        await page.TypeAsync(Input("template-body"), "Hi {{ nickname }}, see you tomorrow.");
        await page.ClickAsync("[data-testid=template-save]");
        await PageWaits.UntilAsync(page, ["main"], $"() => ({FieldText("template-body")}).includes('\"nickname\" is not a field')");
        Assert.DoesNotContain("\"nickname\"", await page.EvaluateExpressionAsync<string>(FieldText("template-name")));

        // Over 160 GSM characters (a field counts as 12): two segments.
        var body = "Hi {{ first_name }}, this is a reminder of your appointment tomorrow at our Berlin office. "
            + "Please bring your customer card and arrive ten minutes early so that we can start on time. Thank you!";
        await ReplaceAsync(page, "template-body", body);
        await page.ClickAsync("[data-testid=template-save]");
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=saved]')?.innerText ?? '').includes('2 segments (gsm-7)')");
        await PageWaits.UntilAsync(page, ["main"], "() => /Appointment reminder[\\s\\S]*2 segments \\(gsm-7\\)/.test(document.querySelector('[data-testid=templates]').innerText)");
        Assert.Equal("", await page.EvaluateExpressionAsync<string>("document.querySelector('.mud-input-error')?.innerText ?? ''"));

        var templates = await HttpAssert.Json(await api.Client(key).GetAsync("/api/v1/message-templates"), HttpStatusCode.OK);
        Assert.Equal(body, templates.EnumerateArray().Single().GetProperty("body").GetString());
        await Accessibility.AssertCleanAsync(page, "message templates");
        await ScreenshotAsync(page, "message-templates");
    }

    [Fact]
    public async Task An_api_key_secret_is_shown_once_the_key_is_listed_and_once_revoked_it_is_gone_and_refused()
    {
        var key = (await TenantAsync(api)).Key;
        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await OpenAsync(browser, api, "settings");
        await SignInAsync(page, key);
        await page.WaitForSelectorAsync(Input("key-name"), new WaitForSelectorOptions { Timeout = 60_000 });

        await page.TypeAsync(Input("key-name"), "Nightly export");
        await page.ClickAsync("[data-testid=key-create]");
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=new-key-secret]')?.textContent ?? '').length > 20");
        var secret = (await PageWaits.TextAsync(page, "[data-testid=new-key-secret]")).Trim();
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('[data-testid=keys]').innerText.includes('Nightly export')");
        Assert.Equal(HttpStatusCode.OK, (await api.Client(secret).GetAsync("/api/v1/me")).StatusCode);
        await Accessibility.AssertCleanAsync(page, "settings with a new key");
        await ScreenshotAsync(page, "settings-new-key");

        // Once put away, the secret is nowhere on the page: the list shows only its first characters.
        await page.ClickAsync("[data-testid=new-key-done]");
        await PageWaits.UntilAsync(page, ["main"], "s => !document.body.innerText.includes(s)", secret);

        await page.ClickAsync("button[aria-label='Revoke Nightly export']");
        await ConfirmAsync(page, "Revoke");
        await PageWaits.UntilAsync(page, ["main"], "() => !document.querySelector('[data-testid=keys]').innerText.includes('Nightly export')");
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Client(secret).GetAsync("/api/v1/me")).StatusCode);

        // A time zone the platform does not know is refused at its field.
        await ReplaceAsync(page, "settings-zone", "Mars/Olympus");
        await page.ClickAsync("[data-testid=settings-save]");
        await PageWaits.UntilAsync(page, ["main"], $"() => ({FieldText("settings-zone")}).includes('not a known IANA time zone')");
    }

    [Fact]
    public async Task A_kannel_gateway_is_added_with_its_callback_urls_and_its_test_says_why_it_is_unreachable()
    {
        var key = (await TenantAsync(api)).Key;
        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await OpenAsync(browser, api, "messaging/gateways");
        await SignInAsync(page, key);
        await page.WaitForSelectorAsync(Input("gateway-name"), new WaitForSelectorOptions { Timeout = 60_000 });

        await page.TypeAsync(Input("gateway-name"), "Kannel nowhere");
        await page.TypeAsync(Input("gateway-sendsms"), "http://127.0.0.1:9/cgi-bin/sendsms");
        await page.TypeAsync(Input("gateway-from"), "CXC");
        await page.TypeAsync(Input("gateway-callback"), "http://cxcontact-api");
        await page.ClickAsync("[data-testid=gateway-create]");
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=callback-dlr]')?.innerText ?? '').includes('/kannel/dlr?secret=')");
        await PageWaits.UntilAsync(page, ["main"], "() => document.querySelector('[data-testid=gateways]').innerText.includes('Kannel nowhere')");

        await page.ClickAsync("button[aria-label='Test Kannel nowhere']");
        await PageWaits.UntilAsync(page, ["main"], "() => (document.querySelector('[data-testid=test-result]')?.innerText ?? '').includes('did not answer')");
        await Accessibility.AssertCleanAsync(page, "messaging gateways");
        await ScreenshotAsync(page, "messaging-gateways");

        await page.ClickAsync("button[aria-label='Delete Kannel nowhere']");
        await ConfirmAsync(page, "Delete");
        await PageWaits.UntilAsync(page, ["main"], "() => !document.querySelector('[data-testid=gateways]').innerText.includes('Kannel nowhere')");
    }

    [Fact]
    public async Task The_messaging_and_settings_pages_pass_axe_and_do_not_scroll_sideways_at_768_px()
    {
        var (tenantId, key, _) = await TenantAsync(api);
        var contactId = await DeliveredTextAsync(tenantId);
        var pages = new[]
        {
            ("messaging/templates", "Message templates"), ("messaging/gateways", "Messaging gateways"), ("settings", "Settings"),
            ($"contacts/{contactId}/messages", "Messages to a contact"), ($"contacts/{Guid.NewGuid()}/messages", "Messages to a contact"),
        };
        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await OpenAsync(browser, api, pages[0].Item1);
        await SignInAsync(page, key);
        // Signed in (the key is in the tab's storage) before the next page loads, or it would open on the sign-in form.
        await PageWaits.UntilAsync(page, ["body"], "() => !!document.querySelector('[data-testid=who]')");

        // Each page is read once it has loaded: its own heading, and no section still loading.
        const string loaded = "h => document.querySelector('h1')?.innerText === h && !document.querySelector('main .mud-progress-linear, main .mud-table-loading')";
        foreach (var (path, heading) in pages)
        {
            await page.GoToAsync(Url(api, path));
            await PageWaits.UntilAsync(page, ["main"], loaded, heading);
            await Accessibility.AssertCleanAsync(page, "/" + path);
            if (path.Contains(contactId.ToString()))
            {
                // The text's state and each step of its history, oldest first.
                Assert.Equal("delivered", await PageWaits.TextAsync(page, "[data-testid=message-state]"));
                var states = await page.EvaluateExpressionAsync<string[]>("[...document.querySelectorAll('[data-testid=history] tbody tr td:nth-child(2)')].map(td => td.innerText)");
                Assert.Equal(new[] { "queued", "sending", "sent", "delivered" }, states);
                Assert.Contains("UTC", await PageWaits.TextAsync(page, "[data-testid=history] time"));
                await ScreenshotAsync(page, "contact-messages");
            }
        }

        await page.SetViewportAsync(new ViewPortOptions { Width = 768, Height = 1024 });
        foreach (var (path, heading) in pages)
        {
            await page.GoToAsync(Url(api, path));
            await PageWaits.UntilAsync(page, ["main"], loaded, heading);
            var widths = await page.EvaluateFunctionAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
            Assert.True(widths[0] <= widths[1], $"/{path} is {widths[0]} px wide in a {widths[1]} px window");
            await ScreenshotAsync(page, "768-" + path.Split('/')[0] + "-" + (path.Contains(contactId.ToString()) ? "delivered-" : "") + path.Split('/')[^1]);
        }
    }
}

using PuppeteerSharp;

namespace CxContact.Testing;

/// <summary>
/// Debian's Chromium, headless, driven over the DevTools protocol. Browser downloads do not work here, so the
/// installed binary is used (eng/test.sh installs it); a missing browser fails the test rather than skipping it.
/// </summary>
public static class HeadlessChromium
{
    public static async Task<IBrowser> LaunchAsync()
    {
        var path = Environment.GetEnvironmentVariable("CXC_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";
        if (!File.Exists(path))
            throw new InvalidOperationException($"Chromium is not at {path}: run eng/test.sh (it installs it) or apt-get install chromium.");
        var profile = Directory.CreateTempSubdirectory("cxc-chromium-").FullName;
        CxContact.Testing.LocalServices.LocalProcess.WhenThisProcessEnds($"rm -rf {CxContact.Testing.LocalServices.LocalProcess.Quote(profile)}");
        return await Puppeteer.LaunchAsync(new LaunchOptions
        {
            Headless = true,
            ExecutablePath = path,
            UserDataDir = profile,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }
}

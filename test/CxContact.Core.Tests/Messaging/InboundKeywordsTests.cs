using CxContact.Core.Messaging;

namespace CxContact.Core.Tests.Messaging;

public sealed class InboundKeywordsTests
{
    [Theory]
    [InlineData("STOP")]
    [InlineData("  stop ")]
    [InlineData("StopAll")]
    [InlineData("UNSUBSCRIBE")]
    [InlineData("cancel")]
    [InlineData("End")]
    [InlineData("quit")]
    [InlineData("revoke")]
    [InlineData("opt  out")]
    [InlineData("ARRET")]
    [InlineData("Arrêt")]
    [InlineData("stop.")]
    public void The_opt_out_words_opt_out_in_any_case_and_spacing(string text) =>
        Assert.Equal(InboundIntent.OptOut, InboundKeywords.Classify(text));

    [Theory]
    [InlineData("START", InboundIntent.OptIn)]
    [InlineData(" help ", InboundIntent.Help)]
    [InlineData("please stop calling me", InboundIntent.Reply)]
    [InlineData("stopp", InboundIntent.Reply)]
    [InlineData("", InboundIntent.Reply)]
    public void Other_texts(string text, InboundIntent intent) => Assert.Equal(intent, InboundKeywords.Classify(text));
}

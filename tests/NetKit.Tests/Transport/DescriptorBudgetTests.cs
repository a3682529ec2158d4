using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>The descriptors kept for the process's own use follow what it holds at start, not a constant.</summary>
public sealed class DescriptorBudgetTests
{
    [Theory]
    [InlineData(12, 256, 76, 180)]
    [InlineData(120, 256, 184, 72)]
    [InlineData(300, 256, 364, 1)]
    [InlineData(120, 1_048_576, 184, 1_048_392)]
    public void Reserve_IsWhatIsHeldPlusTheMargin_AndConnectionsTheRest(int held, long descriptors, int reserved, int connections)
    {
        Assert.Equal(reserved, DescriptorBudget.ReserveFor(held));
        Assert.Equal(held + DescriptorBudget.Margin, DescriptorBudget.ReserveFor(held));
        Assert.Equal(connections, DescriptorBudget.ConnectionsWithin(descriptors, DescriptorBudget.ReserveFor(held)));
    }

    [Fact]
    public void Held_IsCountedFromProc_AndMovesWithWhatIsOpen()
    {
        int before = DescriptorBudget.CountHeld();
        var files = Enumerable.Range(0, 50).Select(_ => File.OpenRead("/proc/self/stat")).ToList();
        try
        {
            // Other tests open and close descriptors meanwhile: 50 of our own stand out from that noise.
            Assert.InRange(DescriptorBudget.CountHeld() - before, 25, 75);
        }
        finally
        {
            files.ForEach(f => f.Dispose());
        }
    }
}

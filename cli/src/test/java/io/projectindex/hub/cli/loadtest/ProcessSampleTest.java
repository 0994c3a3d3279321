package io.projectindex.hub.cli.loadtest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessSampleTest {

    @Test
    void cpuTicksAreUtimeAndStimeCountedAfterTheParenthesisedCommandName() {
        // A command name with a space and a ')' must not shift the fields.
        String stat = "4242 (java) x) S 1 4242 4242 0 -1 4194560 12345 0 3 0 1500 250 0 0 20 0 42 0 98765 "
                + "3000000000 60000 18446744073709551615 1 1 0 0 0 0 0 2 16800975 0 0 0 17 1 0 0 0 0 0";
        assertThat(ProcessSample.cpuTicks(stat)).containsExactly(1500, 250);
    }

    @Test
    void rssIsReadFromTheVmRssLineInKilobytes() {
        String status = "Name:\tjava\nVmPeak:\t 3000000 kB\nVmRSS:\t  123456 kB\nRssAnon:\t  100000 kB\n";
        assertThat(ProcessSample.rssKilobytes(status)).isEqualTo(123456);
    }

    @Test
    void textWithoutTheFieldsIsRefusedWithAReason() {
        assertThatThrownBy(() -> ProcessSample.cpuTicks("garbage")).hasMessageContaining("not a /proc/<pid>/stat line");
        assertThatThrownBy(() -> ProcessSample.rssKilobytes("Name:\tkthreadd\n")).hasMessageContaining("no VmRSS");
    }

    @Test
    void thisProcessCanBeRead() {
        ProcessSample self = ProcessSample.read(ProcessHandle.current().pid());
        assertThat(self.rssBytes()).isGreaterThan(1024 * 1024);
        assertThat(self.cpuSeconds()).isGreaterThan(0);
    }

    @Test
    void machineBusyTicksAreEveryCpuFieldButIdleAndIowait() {
        String stat = "cpu  100 5 50 9000 30 7 3 2 0 0\ncpu0 50 2 25 4500 15 3 1 1 0 0\nintr 1 2 3\n";
        assertThat(MachineSample.busyTicks(stat)).isEqualTo(100 + 5 + 50 + 7 + 3 + 2);
        assertThatThrownBy(() -> MachineSample.busyTicks("intr 1 2\n")).hasMessageContaining("no aggregate cpu line");
    }
}

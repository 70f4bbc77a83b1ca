//! Seeded generator of damaged and random event-log lines, for the parser fuzz tests in
//! `tests/eventlog.rs` and the 1M-line run in `benches/eventlog.rs` (both include this file as a
//! module). Compiled on its own it is an empty test target.
#![allow(dead_code)]

/// xorshift64*: small, fast, deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-ish in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Real-looking lines of every event type the analyser reads, and some it ignores.
pub const SEEDS: &[&str] = &[
    r#"{"Event":"SparkListenerTaskEnd","Stage ID":3,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":42,"Index":1,"Attempt":0,"Partition ID":1,"Launch Time":1751493935685,"Executor ID":"7","Host":"w-0.internal","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":1751493935867,"Failed":false,"Killed":false,"Accumulables":[{"ID":71,"Name":"internal.metrics.executorRunTime","Update":137,"Value":137,"Internal":true,"Count Failed Values":true},{"ID":76,"Name":"internal.metrics.jvmGCTime","Update":15,"Value":15,"Internal":true,"Count Failed Values":true,"Metadata":"sql"}]},"Task Executor Metrics":{"JVMHeapMemory":0,"MinorGCCount":0,"TotalGCTime":0},"Task Metrics":{"Executor Deserialize Time":27,"Executor Deserialize CPU Time":18759444,"Executor Run Time":137,"Executor CPU Time":5332616,"Peak Execution Memory":0,"Result Size":2947,"JVM GC Time":15,"Result Serialization Time":2,"Memory Bytes Spilled":1024,"Disk Bytes Spilled":512,"Shuffle Read Metrics":{"Remote Blocks Fetched":1,"Local Blocks Fetched":2,"Fetch Wait Time":3,"Remote Bytes Read":400,"Remote Bytes Read To Disk":0,"Local Bytes Read":100,"Total Records Read":9,"Push Based Shuffle":{"Corrupt Merged Block Chunks":0}},"Shuffle Write Metrics":{"Shuffle Bytes Written":77,"Shuffle Write Time":1,"Shuffle Records Written":3},"Input Metrics":{"Bytes Read":5000,"Records Read":10},"Output Metrics":{"Bytes Written":0,"Records Written":0},"Updated Blocks":[]}}"#,
    r#"{"Event":"SparkListenerTaskEnd","Stage ID":5,"Stage Attempt ID":1,"Task Type":"ShuffleMapTask","Task End Reason":{"Reason":"ExceptionFailure","Class Name":"org.apache.spark.api.python.PythonException","Description":"Traceback (most recent call last):\n  File \"/app/x.py\", line 51, in f\n    raise Exception(\"boom \u00e9 \ud83d\ude00\")\nException: boom","Stack Trace":[{"Declaring Class":"a.B","Method Name":"run","File Name":"B.scala","Line Number":12}],"Full Stack Trace":"org.apache.spark.api.python.PythonException: boom\n\tat a.B.run(B.scala:12)\n","Accumulator Updates":[]},"Task Info":{"Task ID":43,"Index":0,"Attempt":3,"Launch Time":1000,"Executor ID":"driver","Host":"h","Locality":"ANY","Speculative":true,"Getting Result Time":0,"Finish Time":2000,"Failed":true,"Killed":false,"Accumulables":[]},"Task Metrics":null}"#,
    r#"{"Event":"SparkListenerTaskEnd","Stage ID":238,"Stage Attempt ID":0,"Task Type":"ShuffleMapTask","Task End Reason":{"Reason":"ExecutorLostFailure","Executor ID":"2","Exit Caused By App":true,"Loss Reason":"Executor Process Lost"},"Task Info":{"Task ID":8519,"Index":168,"Attempt":0,"Launch Time":1623285426574,"Executor ID":"2","Host":"h9","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":1623285426652,"Failed":true,"Killed":false,"Accumulables":[]}}"#,
    r#"{"Event":"SparkListenerTaskEnd","Stage ID":2,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":3,"Index":3,"Attempt":0,"Launch Time":1422981784241,"Executor ID":"driver","Host":"localhost","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":1422981784812,"Failed":false,"Accumulables":[]},"Task Metrics":{"Host Name":"localhost","Executor Deserialize Time":11,"Executor Run Time":543,"Result Size":1268,"JVM GC Time":25,"Result Serialization Time":0,"Memory Bytes Spilled":0,"Disk Bytes Spilled":0,"Shuffle Read Metrics":{"Shuffle Finish Time":-1,"Remote Blocks Fetched":0,"Local Blocks Fetched":8,"Fetch Wait Time":1,"Remote Bytes Read":0},"Input Metrics":{"Data Read Method":"Hadoop","Bytes Read":3500016},"Updated Blocks":[{"Block ID":"rdd_0_3","Status":{"Storage Level":{"Use Disk":false,"Use Memory":true,"Deserialized":true,"Replication":1},"Memory Size":3500016,"Disk Size":0}}]}}"#,
    r#"{"Event":"SparkListenerTaskEnd","Stage ID":5,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{"Reason":"TaskKilled","Kill Reason":"Stage cancelled","Accumulator Updates":[]},"Task Info":{"Task ID":20,"Index":1,"Attempt":0,"Launch Time":10,"Executor ID":"1","Host":"h","Locality":"ANY","Speculative":false,"Getting Result Time":0,"Finish Time":15,"Failed":false,"Killed":true,"Accumulables":[]},"Task Metrics":{"Executor Run Time":1e3,"JVM GC Time":-4,"Shuffle Write Metrics":null}}"#,
    r#"{"Event":"SparkListenerTaskStart","Stage ID":3,"Stage Attempt ID":0,"Task Info":{"Task ID":42,"Index":1,"Attempt":0,"Partition ID":1,"Launch Time":1751493935685,"Executor ID":"7","Host":"w-0.internal","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":0,"Failed":false,"Killed":false,"Accumulables":[]}}"#,
    r#"{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":3,"Stage Attempt ID":0,"Stage Name":"collect at x.py:53","Number of Tasks":200,"RDD Info":[{"RDD ID":2,"Name":"MapPartitionsRDD","Scope":"{\"id\":\"9\",\"name\":\"Exchange\"}","Parent IDs":[1],"Storage Level":{"Use Disk":false,"Use Memory":false,"Deserialized":false,"Replication":1},"Number of Partitions":12}],"Parent IDs":[1,2],"Details":"org.apache.spark.rdd.RDD.collect\n\tat x","Submission Time":1751493935000,"Accumulables":[],"Resource Profile Id":0},"Properties":{"spark.sql.execution.id":"3"}}"#,
    r#"{"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":5,"Stage Attempt ID":0,"Stage Name":"collect","Number of Tasks":2,"RDD Info":[],"Parent IDs":[],"Details":"","Submission Time":1000,"Completion Time":3000,"Failure Reason":"Job aborted due to stage failure: Task 0 in stage 5.0 failed 4 times\nTraceback (most recent call last):\nValueError: x","Accumulables":[{"ID":1,"Name":"x","Value":"1","Internal":false,"Count Failed Values":true}]}}"#,
    r#"{"Event":"SparkListenerJobStart","Job ID":4,"Submission Time":900,"Stage Infos":[{"Stage ID":5,"Stage Attempt ID":0,"Stage Name":"collect","Number of Tasks":2,"RDD Info":[],"Parent IDs":[4],"Details":"","Accumulables":[]},{"Stage ID":4,"Stage Attempt ID":0,"Stage Name":"map","Number of Tasks":8,"RDD Info":[],"Parent IDs":[],"Details":"","Accumulables":[]}],"Stage IDs":[5,4],"Properties":{"spark.sql.execution.id":"7","spark.job.description":"query \"9\"","spark.rdd.scope":"{\"id\":\"1\"}"}}"#,
    r#"{"Event":"SparkListenerJobEnd","Job ID":4,"Completion Time":3100,"Job Result":{"Result":"JobFailed","Exception":{"Message":"Job aborted due to stage failure","Stack Trace":[]}}}"#,
    r#"{"Event":"SparkListenerApplicationStart","App Name":"Spark shell","App ID":"application_1603128018386_7846","Timestamp":1623285329454,"User":"username","App Attempt ID":"1","Driver Logs":{"stdout":"http://h/stdout"}}"#,
    r#"{"Event":"SparkListenerApplicationEnd","Timestamp":1623285426654}"#,
    r#"{"Event":"SparkListenerLogStart","Spark Version":"3.1.1"}"#,
    r#"{"Event":"SparkListenerExecutorAdded","Timestamp":1623285343469,"Executor ID":"2","Executor Info":{"Host":"hostname-09","Total Cores":4,"Log Urls":{"stdout":"http://x"},"Attributes":{},"Resources":{},"Resource Profile Id":0}}"#,
    r#"{"Event":"SparkListenerExecutorRemoved","Timestamp":1623285426654,"Executor ID":"2","Removed Reason":"Executor Process Lost"}"#,
    r#"{"Event":"SparkListenerBlockManagerAdded","Block Manager ID":{"Executor ID":"driver","Host":"localhost","Port":57971},"Maximum Memory":278302556,"Timestamp":1422981780906}"#,
    r#"{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","executionId":0,"rootExecutionId":0,"description":"show at <console>:33","details":"x","physicalPlanDescription":"== Physical Plan ==\n* Project (2)","sparkPlanInfo":{"nodeName":"Project","simpleString":"Project","children":[{"nodeName":"Scan","simpleString":"Scan","children":[],"metadata":{},"metrics":[{"name":"rows","accumulatorId":5,"metricType":"sum"}]}],"metadata":{},"metrics":[]},"time":1623285409917,"modifiedConfigs":{}}"#,
    r#"{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd","executionId":0,"time":1623285412370,"errorMessage":""}"#,
    r#"{"Event":"SparkListenerEnvironmentUpdate","JVM Information":{"Java Home":"/usr/lib/jvm","Java Version":"1.8.0_282 (Oracle Corporation)","Scala Version":"version 2.12.10"},"Spark Properties":{"spark.app.name":"x"},"Hadoop Properties":{},"System Properties":{},"Classpath Entries":{}}"#,
    r#"{"Event":"com.nvidia.spark.rapids.SparkRapidsBuildInfoEvent","sparkRapidsBuildInfo":{"version":"24.12.0"},"sparkRapidsJniBuildInfo":{}}"#,
];

const KEYS: &[&str] = &[
    "Event",
    "Stage ID",
    "Stage Attempt ID",
    "Task Info",
    "Task ID",
    "Launch Time",
    "Finish Time",
    "Failed",
    "Killed",
    "Task End Reason",
    "Reason",
    "Task Metrics",
    "Executor Run Time",
    "Shuffle Read Metrics",
    "Remote Bytes Read",
    "Stage Info",
    "Stage Infos",
    "Stage IDs",
    "Job ID",
    "Job Result",
    "Result",
    "Executor ID",
    "executionId",
    "time",
    "Properties",
    "x",
];

const EVENTS: &[&str] = &[
    "SparkListenerTaskEnd",
    "SparkListenerTaskStart",
    "SparkListenerStageSubmitted",
    "SparkListenerStageCompleted",
    "SparkListenerJobStart",
    "SparkListenerJobEnd",
    "SparkListenerApplicationStart",
    "SparkListenerExecutorAdded",
    "SparkListenerExecutorRemoved",
    "SparkListenerBlockManagerAdded",
    "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart",
    "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd",
    "Unknown",
];

const SCALARS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "3",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999",
    "1.5",
    "1e400",
    "-2E-3",
    "null",
    "true",
    "false",
    "\"\"",
    "\"Success\"",
    "\"TaskKilled\"",
    "\"JobSucceeded\"",
    "\"\\u00e9\\ud83d\\ude00\"",
    "\"\\ud800\"",
    "\"a\\\"b\\\\c\\n\"",
    "\"driver\"",
];

/// Bytes that matter to a JSON parser, used for flips and insertions.
const SPECIAL: &[u8] = b"\"\\{}[]:,0-+.eE \t\r\nnult\x00\x1f\x7f\x80\xc3\xff";

/// One generated line (may itself contain newlines or be valid JSON).
pub fn line(rng: &mut Rng, out: &mut Vec<u8>) {
    out.clear();
    let seed = rng.pick(SEEDS).as_bytes();
    match rng.below(10) {
        0 | 1 => out.extend_from_slice(&seed[..rng.below(seed.len())]),
        2 | 3 => {
            out.extend_from_slice(seed);
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(out.len());
                if rng.below(2) == 0 {
                    out[at] ^= 1 << rng.below(8);
                } else {
                    out[at] = *rng.pick(SPECIAL);
                }
            }
        }
        4 => {
            out.extend_from_slice(seed);
            let at = rng.below(out.len());
            if rng.below(2) == 0 {
                let len = rng.below(20).min(out.len() - at);
                out.drain(at..at + len);
            } else {
                let bytes: Vec<u8> = (0..1 + rng.below(6)).map(|_| *rng.pick(SPECIAL)).collect();
                out.splice(at..at, bytes);
            }
        }
        5 => {
            let other = rng.pick(SEEDS).as_bytes();
            out.extend_from_slice(&seed[..rng.below(seed.len())]);
            out.extend_from_slice(&other[rng.below(other.len())..]);
        }
        6 => {
            out.extend_from_slice(b"{\"Event\":\"");
            out.extend_from_slice(rng.pick(EVENTS).as_bytes());
            out.push(b'"');
            for _ in 0..rng.below(6) {
                out.push(b',');
                key_value(rng, out, 0);
            }
            out.push(b'}');
        }
        7 => {
            // Replace one number of a valid line by an odd value.
            let text = String::from_utf8_lossy(seed).into_owned();
            let digits: Vec<usize> = text
                .char_indices()
                .filter(|(i, c)| c.is_ascii_digit() && text[..*i].ends_with(':'))
                .map(|(i, _)| i)
                .collect();
            if let Some(&at) = digits.get(rng.below(digits.len().max(1))) {
                let end = at + text[at..].find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len() - at);
                out.extend_from_slice(&text.as_bytes()[..at]);
                out.extend_from_slice(rng.pick(SCALARS).as_bytes());
                out.extend_from_slice(&text.as_bytes()[end..]);
            } else {
                out.extend_from_slice(seed);
            }
        }
        8 => {
            for _ in 0..rng.below(200) {
                out.push(rng.next_u64() as u8);
            }
        }
        _ => out.extend_from_slice(seed),
    }
}

fn key_value(rng: &mut Rng, out: &mut Vec<u8>, depth: usize) {
    out.push(b'"');
    out.extend_from_slice(rng.pick(KEYS).as_bytes());
    out.extend_from_slice(b"\":");
    value(rng, out, depth + 1);
}

fn value(rng: &mut Rng, out: &mut Vec<u8>, depth: usize) {
    match if depth > 6 { 0 } else { rng.below(4) } {
        0 | 1 => out.extend_from_slice(rng.pick(SCALARS).as_bytes()),
        2 => {
            out.push(b'{');
            for i in 0..rng.below(5) {
                if i > 0 {
                    out.push(b',');
                }
                key_value(rng, out, depth);
            }
            out.push(b'}');
        }
        _ => {
            out.push(b'[');
            for i in 0..rng.below(5) {
                if i > 0 {
                    out.push(b',');
                }
                value(rng, out, depth + 1);
            }
            out.push(b']');
        }
    }
}

// 运行 page: follows the run in hand over server-sent events (progress bar, masked log lines,
// the end), with a link to reload the page so the history shows the run's summary.
(function () {
  "use strict";
  var STATUS = { ok: "成功", partial: "部分失败", failed: "失败", crashed: "异常终止", stopped: "已停止" };
  var MAX_LINES = 300;
  function $(id) { return document.getElementById(id); }
  function start() {
    var panel = $("live");
    if (!panel || !window.EventSource) { return; }
    var source = new EventSource("/runs/events?after=" + encodeURIComponent(panel.dataset.after || "0"));
    var bar = panel.querySelector(".live-bar"), log = $("live-log");
    var flows = JSON.parse(panel.dataset.flows || "{}");
    function show() { bar.hidden = false; log.hidden = false; }
    source.addEventListener("start", function (e) {
      var d = JSON.parse(e.data);
      show();
      $("live-title").textContent = "正在运行：" + (flows[d.flow] || d.flow) + "（" + d.user + " 于 " + d.started + " 启动）";
    });
    source.addEventListener("progress", function (e) {
      var d = JSON.parse(e.data);
      show();
      $("live-label").textContent = d.label;
      $("live-progress").max = Math.max(d.total, 1);
      $("live-progress").value = d.done;
      $("live-count").textContent = d.done + " / " + d.total;
    });
    source.addEventListener("log", function (e) {
      var d = JSON.parse(e.data);
      show();
      var li = document.createElement("li");
      li.className = "lvl-" + d.level.toLowerCase();
      var t = document.createElement("time");
      t.textContent = d.time;
      li.appendChild(t);
      li.appendChild(document.createTextNode(" " + d.text));  // text, never HTML
      log.appendChild(li);
      while (log.children.length > MAX_LINES) { log.removeChild(log.firstChild); }
      log.scrollTop = log.scrollHeight;
    });
    source.addEventListener("stopping", function () {
      $("live-label").textContent = "正在停止（处理完当前一件后停止）";
    });
    source.addEventListener("end", function (e) {
      var d = JSON.parse(e.data);
      var end = $("live-end"), stop = $("stop");
      $("live-title").textContent = "运行结束：" + (flows[d.flow] || d.flow);
      if (stop) { stop.hidden = true; }
      end.hidden = false;
      end.textContent = "运行结束：" + (STATUS[d.status] || d.status) + (d.message ? "。" + d.message : "") + "。";
      var again = document.createElement("a");
      again.href = "/runs";
      again.textContent = "刷新运行记录";
      end.appendChild(again);
      end.dataset.status = d.status;
      source.close();
    });
  }
  document.addEventListener("DOMContentLoaded", start);
})();

/* The drawing pad on the book's own pages: draw a digit, and the shipped model reads it in
 * the reader's browser, with no kernel and no server.
 *
 * ONNX Runtime Web (WebAssembly) runs the model that `python -m digitlib.export` wrote at
 * build time.  A page loads only this file and its style: the pad is drawn at once, and the
 * runtime, the model and the digit detector load when the reader first touches a pad (pointer
 * down, or keyboard focus); the strokes drawn meanwhile are kept and read as soon as the model
 * is ready.  Over http(s) the runtime fetches its WebAssembly itself (compiled while it
 * streams in, compressed by the server) and the pad fetches the ONNX file; from file://, where
 * browsers refuse fetch() and JavaScript modules, both come in classic scripts next to this file
 * (book/_ext/web_pad.py writes them all).  So the built book works offline, from any static
 * host and from file://.
 *
 * It has the shape of the notebook's widget (digitlib/draw.py): the preprocessing, ported
 * function by function from digitlib.preprocess; the model; a DigitReader, what the pad knows
 * (the strokes, and what the model reads in them); and a DigitPad, how it is shown.
 *
 * A page asks for a pad with <div class="digit-pad-web"></div>.  The pad keeps the DOM of
 * the notebook's widget (digitlib.draw.DigitPad): its box has the class "digit-pad", the
 * predicted digit is in ".digit-pad-prediction" (empty while nothing is drawn, "?" when the
 * digit detector says the drawing is not a digit), the bars in ".digit-pad-probabilities".
 * Tests and benchmarks use window.digitPadWeb (see the end of this file).
 */
(function () {
  "use strict";

  // The folder of this script, as the page wrote it (relative: the files next to it load
  // from wherever the book is, a static host or the disk).
  const HERE = document.currentScript.getAttribute("src").replace(/[^/]*$/, "");
  const SERVED = /^https?:$/.test(location.protocol); // else file://: no fetch(), no modules
  const SIZE = 280; // the canvas, in CSS pixels, as the widget's
  const PEN = 18; // the pen shown on the canvas (the model's input uses MNIST's own width)
  const THROTTLE_MS = 80; // at most one prediction per this interval while a stroke is drawn

  // digitlib.preprocess: MNIST's recipe.
  const IMAGE_SIZE = 28;
  const DIGIT_BOX = 20;
  const CENTRE = 14.0;
  const MNIST_STROKE = 2.8;
  const SUPERSAMPLE = 8; // strokes_to_mnist's default

  // --- strokes_to_mnist, in JavaScript -------------------------------------------------
  // An image is {width, height, data}, its data row by row, as ImageData holds its pixels.

  function image(width, height, data) {
    return { width, height, data: data || new Float64Array(width * height) };
  }

  /** Python's round(): halves go to the even neighbour. */
  function roundHalfEven(x) {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }

  /** np.clip of one number. */
  function clip(value, low, high) {
    return Math.min(high, Math.max(low, value));
  }

  /** preprocess.check_strokes: empty strokes left out, finite (x, y) points only. */
  function checkStrokes(strokes) {
    const checked = strokes.filter((stroke) => stroke.length > 0);
    for (const stroke of checked) {
      for (const point of stroke) {
        if (point.length !== 2 || !point.every(Number.isFinite)) {
          throw new Error("a stroke must hold finite (x, y) points, got " + JSON.stringify(point));
        }
      }
    }
    if (checked.length === 0) throw new Error("the drawing is empty: draw a digit first");
    return checked;
  }

  /** Pillow's resampling coefficients for the BOX filter (Resample.c, precompute_coeffs). */
  function boxCoefficients(inSize, outSize) {
    const scale = inSize / outSize;
    const support = 0.5 * Math.max(scale, 1);
    const ss = 1 / Math.max(scale, 1);
    const result = [];
    for (let xx = 0; xx < outSize; xx++) {
      const centre = (xx + 0.5) * scale;
      const xmin = Math.max(0, Math.trunc(centre - support + 0.5));
      const xmax = Math.min(inSize, Math.trunc(centre + support + 0.5));
      const weights = [];
      let total = 0;
      for (let x = xmin; x < xmax; x++) {
        const t = (x - centre + 0.5) * ss;
        const w = t > -0.5 && t <= 0.5 ? 1 : 0;
        weights.push(w);
        total += w;
      }
      result.push({ start: xmin, weights: weights.map((w) => (total ? w / total : 0)) });
    }
    return result;
  }

  /** Image.resize(size, BOX) on a float image: rows first, then columns, as Pillow does. */
  function resizeBox(ink, outWidth, outHeight) {
    const { width, height } = ink;
    const across = boxCoefficients(width, outWidth);
    const down = boxCoefficients(height, outHeight);
    const rows = new Float64Array(outWidth * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < outWidth; x++) {
        const { start, weights } = across[x];
        let sum = 0;
        for (let k = 0; k < weights.length; k++) {
          sum += ink.data[y * width + start + k] * weights[k];
        }
        rows[y * outWidth + x] = sum;
      }
    }
    const out = image(outWidth, outHeight);
    for (let y = 0; y < outHeight; y++) {
      const { start, weights } = down[y];
      for (let x = 0; x < outWidth; x++) {
        let sum = 0;
        for (let k = 0; k < weights.length; k++) {
          sum += rows[(start + k) * outWidth + x] * weights[k];
        }
        out.data[y * outWidth + x] = sum;
      }
    }
    return out;
  }

  /** ndimage.center_of_mass: [row, column]. */
  function centreOfMass({ width, height, data }) {
    let mass = 0;
    let rowMoment = 0;
    let columnMoment = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = data[y * width + x];
        if (v === 0) continue;
        mass += v;
        rowMoment += v * y;
        columnMoment += v * x;
      }
    }
    return [rowMoment / mass, columnMoment / mass];
  }

  /** ndimage.shift(order=1, mode="constant"): bilinear, nothing from outside the image. */
  function shiftBilinear({ width, height, data }, dy, dx) {
    const out = image(width, height);
    const lastRow = height - 1;
    const lastColumn = width - 1;
    for (let y = 0; y < height; y++) {
      const sy = y - dy;
      if (sy < 0 || sy > lastRow) continue;
      const y0 = Math.floor(sy);
      const y1 = Math.min(y0 + 1, lastRow);
      const fy = sy - y0;
      for (let x = 0; x < width; x++) {
        const sx = x - dx;
        if (sx < 0 || sx > lastColumn) continue;
        const x0 = Math.floor(sx);
        const x1 = Math.min(x0 + 1, lastColumn);
        const fx = sx - x0;
        out.data[y * width + x] =
          (1 - fy) * ((1 - fx) * data[y0 * width + x0] + fx * data[y0 * width + x1]) +
          fy * ((1 - fx) * data[y1 * width + x0] + fx * data[y1 * width + x1]);
      }
    }
    return out;
  }

  /** preprocess._fit_and_centre: longest side 20 px, centre of mass at (14, 14); the model's
   * input, a Float32Array of 784 values in [0, 1], row by row. */
  function fitAndCentre(ink) {
    const factor = DIGIT_BOX / Math.max(ink.height, ink.width);
    if (factor >= 1) throw new Error("the pad's strokes are always drawn larger than 20 px");
    const w = Math.max(1, roundHalfEven(ink.width * factor));
    const h = Math.max(1, roundHalfEven(ink.height * factor));
    const small = resizeBox(ink, w, h);
    const out = image(IMAGE_SIZE, IMAGE_SIZE);
    const top = Math.floor((IMAGE_SIZE - h) / 2);
    const left = Math.floor((IMAGE_SIZE - w) / 2);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        out.data[(top + y) * IMAGE_SIZE + left + x] = clip(small.data[y * w + x], 0, 1);
      }
    }
    // the shift that moves the centre of mass to (14, 14), kept inside the image
    const [row, column] = centreOfMass(out);
    const dy = clip(CENTRE - row, -top, IMAGE_SIZE - top - h);
    const dx = clip(CENTRE - column, -left, IMAGE_SIZE - left - w);
    return Float32Array.from(shiftBilinear(out, dy, dx).data, (v) => clip(v, 0, 1));
  }

  /** ImageDraw's line and ellipses of strokes_to_mnist, on a canvas of width x height: each
   * stroke at `pen` pixels wide, with round caps and joints; the ink, 1 or 0 per pixel. */
  function drawStrokes(strokes, width, height, pen) {
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.translate(0.5, 0.5); // Pillow's pixel centres are whole numbers, a canvas's halves
    ctx.fillStyle = ctx.strokeStyle = "#fff";
    ctx.lineWidth = roundHalfEven(pen);
    const radius = pen / 2;
    for (const xy of strokes) {
      for (let i = 1; i < xy.length; i++) { // each segment on its own, as Pillow draws a line
        ctx.beginPath();
        ctx.moveTo(xy[i - 1][0], xy[i - 1][1]);
        ctx.lineTo(xy[i][0], xy[i][1]);
        ctx.stroke();
      }
      for (const [x, y] of xy) { // round caps and joints, as the Python draws them
        ctx.beginPath();
        ctx.arc(x, y, radius, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    // Pillow draws without anti-aliasing: a pixel is ink or not.
    const pixels = ctx.getImageData(0, 0, width, height).data;
    const ink = image(width, height);
    for (let i = 0; i < width * height; i++) ink.data[i] = pixels[i * 4 + 3] >= 128 ? 1 : 0;
    return ink;
  }

  /** preprocess._crop: the smallest part of the image that holds all its ink. */
  function crop({ width, height, data }) {
    let top = height, bottom = -1, left = width, right = -1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (data[y * width + x] > 0) {
          top = Math.min(top, y); bottom = Math.max(bottom, y);
          left = Math.min(left, x); right = Math.max(right, x);
        }
      }
    }
    const out = image(right - left + 1, bottom - top + 1);
    for (let y = 0; y < out.height; y++) {
      for (let x = 0; x < out.width; x++) {
        out.data[y * out.width + x] = data[(top + y) * width + left + x];
      }
    }
    return out;
  }

  /** preprocess.strokes_to_mnist: strokes ([[x, y], ...] per stroke, any pixel units) to the
   * model's 28x28 input, a Float32Array of 784 values in [0, 1], row by row. */
  function strokesToMnist(strokes) {
    const points = checkStrokes(strokes);
    let lowX = Infinity, lowY = Infinity, highX = -Infinity, highY = -Infinity;
    for (const stroke of points) {
      for (const [x, y] of stroke) {
        lowX = Math.min(lowX, x); lowY = Math.min(lowY, y);
        highX = Math.max(highX, x); highY = Math.max(highY, y);
      }
    }
    // Scale so the longest side is 20 px at SUPERSAMPLE times the resolution, with MNIST's pen.
    const extent = Math.max(highX - lowX, highY - lowY);
    const pen = MNIST_STROKE * SUPERSAMPLE;
    const factor = extent > 0 ? (DIGIT_BOX * SUPERSAMPLE - pen) / extent : 0;
    const width = Math.ceil((highX - lowX) * factor + pen) + 1;
    const height = Math.ceil((highY - lowY) * factor + pen) + 1;
    const radius = pen / 2;
    const scaled = points.map((stroke) => stroke.map(([x, y]) => [
      (x - lowX) * factor + radius, (y - lowY) * factor + radius,
    ]));
    return fitAndCentre(crop(drawStrokes(scaled, width, height, pen)));
  }

  // --- the model ---------------------------------------------------------------------------

  function loadScript(name) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = HERE + name;
      script.onload = resolve;
      script.onerror = () => reject(new Error("could not load " + name));
      document.head.appendChild(script);
    });
  }

  /** A file next to this script, as an absolute URL (what ONNX Runtime's paths must be). */
  function besideThis(name) {
    return new URL(HERE + name, document.baseURI).href;
  }

  async function fetchBytes(name) {
    const response = await fetch(besideThis(name));
    if (!response.ok) throw new Error("could not load " + name + " (HTTP " + response.status + ")");
    return new Uint8Array(await response.arrayBuffer());
  }

  function decodeBase64(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  /**
   * The digit detector's score of the network's features (digitlib.detector.DigitDetector):
   * standardize, one hidden ReLU layer, one output.  A drawing is a digit when it reaches the
   * threshold.
   */
  function digitScore(features, d) {
    const hidden = new Float64Array(d.hidden_size);
    for (let i = 0; i < features.length; i++) {
      const x = (features[i] - d.mean[i]) / d.scale[i];
      for (let j = 0; j < d.hidden_size; j++) {
        hidden[j] += x * d.hidden_weights[i * d.hidden_size + j];
      }
    }
    let score = d.output_bias[0];
    for (let j = 0; j < d.hidden_size; j++) {
      score += Math.max(hidden[j] + d.hidden_bias[j], 0) * d.output_weights[j];
    }
    return score;
  }

  /**
   * Over http(s): ONNX Runtime's glue module and WebAssembly are files it fetches itself
   * (env.wasm.wasmPaths), and the model is the ONNX file; resolves to the model's bytes.
   */
  async function servedRuntimeAndModel(ort) {
    ort.env.wasm.wasmPaths = {
      mjs: besideThis("ort-wasm-simd-threaded.mjs"),
      wasm: besideThis("ort-wasm-simd-threaded.wasm"),
    };
    return fetchBytes("digit-cnn.onnx");
  }

  /**
   * From file://: the glue module and the WebAssembly come in window.DIGIT_PAD_ORT (ort-wasm.js,
   * base64), handed over as a blob URL and env.wasm.wasmBinary; the model in window.DIGIT_PAD_MODEL
   * (digit-cnn.js); resolves to the model's bytes.
   */
  async function scriptedRuntimeAndModel(ort) {
    await Promise.all([loadScript("ort-wasm.js"), loadScript("digit-cnn.js")]);
    ort.env.wasm.wasmBinary = decodeBase64(window.DIGIT_PAD_ORT.wasm).buffer;
    const glue = new Blob([window.DIGIT_PAD_ORT.glue], { type: "text/javascript" });
    ort.env.wasm.wasmPaths = { mjs: URL.createObjectURL(glue) };
    return decodeBase64(window.DIGIT_PAD_MODEL);
  }

  /**
   * Load ONNX Runtime Web, the model, the digit detector (window.DIGIT_PAD_DETECTOR, from
   * digit-detector.js) and the shipped dense layer (window.DIGIT_PAD_HEAD, digit-head.js);
   * resolves to predict(image) -> {probabilities (10 numbers), score, isDigit, averages (the
   * 128 numbers the dense layer reads)}.
   */
  async function loadModel() {
    await Promise.all(["ort.wasm.min.js", "digit-detector.js", "digit-head.js"].map(loadScript));
    const ort = window.ort;
    ort.env.wasm.numThreads = 1; // threads need a cross-origin-isolated page
    const model = await (SERVED ? servedRuntimeAndModel(ort) : scriptedRuntimeAndModel(ort));
    const session = await ort.InferenceSession.create(model, { executionProviders: ["wasm"] });
    const [input] = session.inputNames;
    const [output, featuresOutput, averagesOutput] = session.outputNames;
    const detector = window.DIGIT_PAD_DETECTOR;
    return async function predict(pixels) {
      const tensor = new ort.Tensor("float32", pixels, [1, IMAGE_SIZE, IMAGE_SIZE, 1]);
      const result = await session.run({ [input]: tensor });
      const score = digitScore(result[featuresOutput].data, detector);
      const probabilities = Array.from(result[output].data);
      const averages = Array.from(result[averagesOutput].data);
      return { probabilities, score, isDigit: score >= detector.threshold, averages };
    };
  }

  // --- the reader's own last layer (digitlib.reader_layer) -----------------------------------

  // digitlib.reader_layer's STEPS, LEARNING_RATE and PULL
  const OWN_TRAINING = { steps: 100, learningRate: 0.03, pull: 3.0 };

  /**
   * digitlib.reader_layer.train_reader_layer, step by step: softmax
   * regression on the averages of the reader's drawings (`features`, one
   * array of 128 each, and their `labels`), by gradient descent on all of
   * them at once, as "From pixels to probabilities" teaches it, starting
   * from the shipped layer `head` ({kernel row by row, bias, features})
   * and pulled back towards it. Returns the new layer, {kernel, bias,
   * features}, shaped as `head`.
   */
  function trainReaderLayer(features, labels, head,
    { steps, learningRate, pull } = OWN_TRAINING) {
    const width = head.features;
    const count = labels.length;
    const weights = Float64Array.from(head.kernel);
    const offsets = Float64Array.from(head.bias);
    const errors = new Float64Array(count * 10);
    for (let step = 0; step < steps; step++) {
      // logits = features @ W + b; errors = softmax(logits);
      // errors[i, label_i] -= 1; errors /= N
      for (let i = 0; i < count; i++) {
        const logits = Array.from(offsets);
        for (let f = 0; f < width; f++) {
          for (let c = 0; c < 10; c++) {
            logits[c] += features[i][f] * weights[f * 10 + c];
          }
        }
        const top = Math.max(...logits);
        const exps = logits.map((z) => Math.exp(z - top));
        const total = exps.reduce((a, b) => a + b, 0);
        for (let c = 0; c < 10; c++) {
          const target = c === labels[i] ? 1 : 0;
          errors[i * 10 + c] = (exps[c] / total - target) / count;
        }
      }
      // W -= learning_rate * (features.T @ errors + pull * (W - kernel))
      for (let f = 0; f < width; f++) {
        for (let c = 0; c < 10; c++) {
          let gradient = 0;
          for (let i = 0; i < count; i++) {
            gradient += features[i][f] * errors[i * 10 + c];
          }
          const k = f * 10 + c;
          const away = weights[k] - head.kernel[k];
          weights[k] -= learningRate * (gradient + pull * away);
        }
      }
      // b -= learning_rate * (errors.sum(axis=0) + pull * (b - bias))
      for (let c = 0; c < 10; c++) {
        let gradient = 0;
        for (let i = 0; i < count; i++) gradient += errors[i * 10 + c];
        const away = offsets[c] - head.bias[c];
        offsets[c] -= learningRate * (gradient + pull * away);
      }
    }
    const kernel = Array.from(weights);
    return { kernel, bias: Array.from(offsets), features: width };
  }

  /** The digit a layer ({kernel, bias, features}) reads in a drawing's averages. */
  function readWith(layer, averages) {
    const logits = Array.from(layer.bias);
    for (let f = 0; f < layer.features; f++) {
      for (let c = 0; c < 10; c++) logits[c] += averages[f] * layer.kernel[f * 10 + c];
    }
    return logits.indexOf(Math.max(...logits));
  }

  // What the reader taught, kept in the browser only: {drawings: [{label, averages}], layer}.
  const STORE_KEY = "digit-pad-web/own-layer";

  function loadOwn() {
    try {
      const kept = JSON.parse(window.localStorage.getItem(STORE_KEY));
      if (kept && Array.isArray(kept.drawings)) return kept;
    } catch (error) { // no localStorage here, or something else under the key
      console.warn("the pad cannot read what you taught it:", error);
    }
    return { drawings: [], layer: null };
  }

  function keepOwn(own) {
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(own));
    } catch (error) {
      console.warn("the pad cannot keep what you taught it:", error);
    }
  }

  // --- what the pad knows --------------------------------------------------------------------

  /**
   * The strokes drawn so far and what the model reads in them, with no DOM (as
   * digitlib.draw.DigitReader): start, extend and finish record a stroke as a pen draws it,
   * draw(strokes) records whole strokes, toData() gives a copy of them, clear() forgets them,
   * and read() prepares them with strokesToMnist and predicts.
   */
  class DigitReader {
    constructor(predict) {
      this.predict = predict;
      this.clear();
    }

    /** Forget the strokes and the prediction. */
    clear() {
      this.strokes = [];
      this.drawing = false;
      this.reading = null;
    }

    /** The pen touches the canvas: a new stroke begins at [x, y]. */
    start(point) {
      this.drawing = true;
      this.strokes.push([point]);
    }

    /** The pen moves to [x, y]; false (and nothing recorded) when it is not down. */
    extend(point) {
      if (this.drawing) this.strokes[this.strokes.length - 1].push(point);
      return this.drawing;
    }

    /** The pen is lifted; false when it was not down. */
    finish() {
      const wasDrawing = this.drawing;
      this.drawing = false;
      return wasDrawing;
    }

    /** Record strokes ([[x, y], ...] each, checked as checkStrokes checks them) as a pen
     * would draw them. */
    draw(strokes) {
      for (const [first, ...rest] of checkStrokes(strokes)) {
        this.start([first[0], first[1]]);
        for (const [x, y] of rest) this.extend([x, y]);
        this.finish();
      }
    }

    /** A copy of the strokes drawn so far, in canvas pixels. */
    toData() {
      return this.strokes.map((stroke) => stroke.map(([x, y]) => [x, y]));
    }

    /**
     * Prepare the strokes as MNIST was made and predict; resolves to the reading,
     * {image, probabilities, prediction, score, isDigit}, also kept as `reading`, or to null
     * when clear() came while the model ran (or the model could not load: predict gave null).
     */
    async read() {
      const strokes = this.strokes;
      const pixels = strokesToMnist(strokes);
      const predicted = await this.predict(pixels);
      if (predicted === null || strokes !== this.strokes) return null;
      const { probabilities, score, isDigit, averages } = predicted;
      const prediction = probabilities.indexOf(Math.max(...probabilities));
      this.reading = { image: pixels, probabilities, prediction, score, isDigit, averages };
      return this.reading;
    }
  }

  // --- how the pad is shown ------------------------------------------------------------------

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function showFailure(placeholder, error) {
    placeholder.replaceChildren(
      element("p", "digit-pad-web-error", "The pad cannot run in this browser (" +
        error.message + "). This is what it looks like:"),
    );
    const screenshot = element("img");
    screenshot.src = HERE + "digit-pad.png";
    screenshot.alt =
      "The drawing pad: a 7 drawn on a black canvas, predicted 7, with the ten probabilities";
    screenshot.className = "digit-pad-web-screenshot";
    placeholder.appendChild(screenshot);
  }

  /** The bars of the ten probabilities (none drawn yet: all at 0 %), the best one marked. */
  function barRows(probabilities, best) {
    return Array.from({ length: 10 }, (_, digit) => {
      const share = probabilities ? probabilities[digit] : 0;
      const row = element("div", "digit-pad-bar-row");
      const bar = element("span", "digit-pad-bar" + (digit === best ? " digit-pad-bar-best" : ""));
      bar.style.width = (share * 150).toFixed(1) + "px";
      row.append(element("span", "digit-pad-bar-digit", String(digit)), bar,
        element("span", "digit-pad-bar-share", Math.round(share * 100) + "%"));
      return row;
    });
  }

  /**
   * A canvas to draw a digit on, with the model's prediction updated while you draw (as
   * digitlib.draw.DigitPad); what it knows lives in `reader`, a DigitReader.  draw(strokes)
   * and clear() do what a person would do; update() reads the strokes again and shows the
   * result.  Its views: box (all of it), canvas, clearButton, predictionView, confidenceView,
   * barsView and previewView.  The first touch calls wake(), which loads the model; until it
   * is ready the pad takes ink, says that it is loading (`loading`), and its predictions wait.
   */
  class DigitPad {
    constructor(placeholder, predict, wake) {
      this.reader = new DigitReader(predict);
      this.wake = wake;
      this.loading = false;
      this.ownLayer = null; // the reader's own last layer, once a TeachPanel trained one
      this.running = false; // one prediction at a time
      this.again = null; // the pen-up time of a prediction asked for while one runs
      this.lastUpdate = 0;
      placeholder.replaceChildren(this.build());
      this.ctx = this.canvas.getContext("2d");
      this.listen();
      this.repaint();
      this.show(null);
    }

    // --- the JavaScript API -------------------------------------------------------------

    /** Draw strokes ([[x, y], ...] each, in canvas pixels) as a hand would, then read them. */
    draw(strokes) {
      this.reader.draw(strokes);
      this.repaint();
      return this.update(performance.now());
    }

    /** Wipe the canvas and the prediction. */
    clear() {
      this.reader.clear();
      this.again = null;
      this.repaint();
      this.show(null);
    }

    /**
     * Read the strokes and show the result.  One prediction runs at a time: asked for
     * meanwhile, a pen lift's (liftedAt: its time) runs next and a move's is dropped.
     */
    async update(liftedAt) {
      if (this.running) {
        if (liftedAt !== undefined) this.again = liftedAt;
        return;
      }
      this.running = true;
      this.lastUpdate = performance.now();
      try {
        const reading = await this.reader.read();
        if (reading) { // unless Clear came meanwhile
          this.show(reading);
          recordFirstReading();
        }
        if (liftedAt !== undefined) recordLatency(performance.now() - liftedAt);
      } finally {
        this.running = false;
      }
      if (this.again !== null) {
        const lifted = this.again;
        this.again = null;
        await this.update(lifted);
      }
    }

    // --- the views ----------------------------------------------------------------------

    build() {
      this.canvas = element("canvas", "digit-pad-canvas");
      this.canvas.width = SIZE;
      this.canvas.height = SIZE;
      this.canvas.setAttribute("aria-label", "Draw a digit here");
      this.canvas.tabIndex = 0; // a keyboard's focus wakes the pad, as a touch does
      this.clearButton = element("button", "digit-pad-clear", "Clear");
      this.clearButton.type = "button";
      this.predictionView = element("div", "digit-pad-prediction");
      this.confidenceView = element("div", "digit-pad-confidence");
      this.barsView = element("div", "digit-pad-probabilities");
      this.previewView = element("canvas", "digit-pad-preview");
      this.previewView.width = this.previewView.height = IMAGE_SIZE;
      this.previewView.setAttribute("aria-label", "The 28 by 28 input of the model");
      const left = element("div", "digit-pad-left");
      left.append(this.canvas, this.clearButton);
      const side = element("div", "digit-pad-side");
      this.ownView = element("div", "digit-pad-own");
      side.append(element("b", "", "Prediction"), this.predictionView, this.confidenceView,
        this.ownView, this.barsView, element("b", "", "What the model sees"), this.previewView);
      this.box = element("div", "digit-pad");
      this.box.append(left, side);
      return this.box;
    }

    /** The model is loading: say so until it is ready (then woke()). */
    showLoading() {
      this.loading = true;
      if (!this.running && !this.reader.reading) this.show(null);
    }

    /** The model is ready: show what the pad holds, unless a prediction is on its way. */
    woke() {
      this.loading = false;
      if (!this.running) this.show(this.reader.reading);
    }

    /** Show a reading of the reader's (null: nothing drawn, or the model still loading). */
    show(reading) {
      this.showPreview(reading ? reading.image : null);
      const best = reading ? reading.prediction : -1;
      const notADigit = Boolean(reading && !reading.isDigit);
      this.predictionView.textContent = !reading ? "" : notADigit ? "?" : String(best);
      this.confidenceView.classList.toggle("digit-pad-not-a-digit", notADigit);
      const percent = reading ? Math.round(reading.probabilities[best] * 100) : 0;
      this.confidenceView.classList.toggle("digit-pad-loading", !reading && this.loading);
      if (!reading && this.loading) {
        this.confidenceView.textContent = "Loading the model (ONNX Runtime)…";
      } else if (!reading) this.confidenceView.textContent = "Draw a digit on the black square.";
      else if (!notADigit) this.confidenceView.textContent = "confidence " + percent + "%";
      else {
        this.confidenceView.textContent =
          "That does not look like a digit. (closest: " + best + ", " + percent + "%)";
      }
      this.barsView.replaceChildren(...barRows(reading ? reading.probabilities : null, best));
      const own = reading && !notADigit && this.ownLayer ?
        readWith(this.ownLayer, reading.averages) : -1;
      this.ownView.textContent = own < 0 ? "" :
        "the course's model says " + best + ", yours says " + own;
    }

    /** What the model sees: the 28x28 input, or black. */
    showPreview(pixels) {
      const ctx = this.previewView.getContext("2d");
      const shown = ctx.createImageData(IMAGE_SIZE, IMAGE_SIZE);
      for (let i = 0; i < IMAGE_SIZE * IMAGE_SIZE; i++) {
        const v = pixels ? Math.round(pixels[i] * 255) : 0;
        shown.data.set([v, v, v, 255], i * 4);
      }
      ctx.putImageData(shown, 0, 0);
    }

    /** Paint the whole canvas: black background, then every stroke. */
    repaint() {
      const ctx = this.ctx;
      ctx.fillStyle = "#000";
      ctx.fillRect(0, 0, SIZE, SIZE);
      ctx.strokeStyle = ctx.fillStyle = "#fff";
      ctx.lineWidth = PEN;
      ctx.lineCap = ctx.lineJoin = "round";
      for (const stroke of this.reader.strokes) {
        this.paintDot(stroke[0]);
        ctx.beginPath();
        ctx.moveTo(stroke[0][0], stroke[0][1]);
        for (const [x, y] of stroke.slice(1)) ctx.lineTo(x, y);
        ctx.stroke();
      }
    }

    /** Where a stroke begins: a dot of the pen's width. */
    paintDot([x, y]) {
      this.ctx.beginPath();
      this.ctx.arc(x, y, PEN / 2, 0, 2 * Math.PI);
      this.ctx.fill();
    }

    /** One new segment of a stroke, in the pen that repaint() chose. */
    paintSegment([fromX, fromY], [toX, toY]) {
      this.ctx.beginPath();
      this.ctx.moveTo(fromX, fromY);
      this.ctx.lineTo(toX, toY);
      this.ctx.stroke();
    }

    // --- events -------------------------------------------------------------------------

    listen() {
      this.canvas.addEventListener("pointerdown", (event) => this.penDown(event));
      this.canvas.addEventListener("pointermove", (event) => this.penMove(event));
      this.canvas.addEventListener("pointerup", (event) => this.penUp(event));
      this.canvas.addEventListener("pointercancel", (event) => this.penUp(event));
      this.clearButton.addEventListener("click", () => this.clear());
      this.box.addEventListener("focusin", () => this.wake());
    }

    /** Where the event is, in canvas pixels (the canvas may be shown smaller). */
    position(event) {
      const box = this.canvas.getBoundingClientRect();
      return [
        (event.clientX - box.left) * SIZE / box.width,
        (event.clientY - box.top) * SIZE / box.height,
      ];
    }

    penDown(event) {
      this.wake();
      event.preventDefault();
      this.canvas.setPointerCapture(event.pointerId);
      const point = this.position(event);
      this.reader.start(point);
      this.paintDot(point);
    }

    penMove(event) {
      if (!this.reader.drawing) return;
      event.preventDefault();
      const stroke = this.reader.strokes[this.reader.strokes.length - 1];
      const previous = stroke[stroke.length - 1];
      const point = this.position(event);
      this.reader.extend(point);
      this.paintSegment(previous, point);
      if (performance.now() - this.lastUpdate >= THROTTLE_MS) this.update();
    }

    penUp(event) {
      const liftedAt = event.timeStamp || performance.now();
      if (this.reader.finish()) this.update(liftedAt);
    }
  }

  /** Digits 0 to 9 in a random order (Fisher-Yates). */
  function shuffledDigits() {
    const digits = Array.from({ length: 10 }, (_, digit) => digit);
    for (let i = digits.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [digits[i], digits[j]] = [digits[j], digits[i]];
    }
    return digits;
  }

  /**
   * "Teach it your handwriting", below a pad (as digitlib.draw.DigitCollector): it asks for the
   * digits in a shuffled round; Save keeps the pad's drawing (its averages, with the digit
   * asked for), trains the reader's own layer on all those kept (trainReaderLayer) and gives it
   * to the pad, which then shows both answers; Skip asks for the next digit; Forget empties
   * what localStorage holds.  Nothing leaves the page.  Its views: saveButton, skipButton,
   * forgetButton, promptView, countView.
   */
  class TeachPanel {
    constructor(placeholder, pad, wake) {
      this.pad = pad;
      this.wake = wake;
      this.own = loadOwn();
      this.round = [];
      pad.ownLayer = this.own.layer;
      placeholder.appendChild(this.build());
      this.next();
    }

    build() {
      this.promptView = element("div", "digit-pad-teach-prompt");
      this.countView = element("div", "digit-pad-teach-count");
      this.saveButton = element("button", "digit-pad-teach-save", "Save");
      this.skipButton = element("button", "digit-pad-teach-skip", "Skip");
      this.forgetButton = element("button", "digit-pad-teach-forget", "Forget my drawings");
      for (const button of [this.saveButton, this.skipButton, this.forgetButton]) {
        button.type = "button";
      }
      this.saveButton.addEventListener("click", () => this.save());
      this.skipButton.addEventListener("click", () => this.next());
      this.forgetButton.addEventListener("click", () => this.forget());
      const buttons = element("div", "digit-pad-teach-buttons");
      buttons.append(this.saveButton, this.skipButton, this.forgetButton);
      const panel = element("div", "digit-pad-teach");
      panel.append(element("b", "", "Teach it your handwriting"), this.promptView, buttons,
        this.countView, element("p", "digit-pad-teach-note", "Your drawings and your layer " +
          "stay in this browser (its localStorage); nothing is sent anywhere."));
      return panel;
    }

    /** The digit asked for now. */
    get digit() {
      return this.round[0];
    }

    /** Ask for the next digit of the round (a new shuffled round when it is done). */
    next() {
      this.round.shift();
      if (this.round.length === 0) this.round = shuffledDigits();
      this.promptView.textContent = "Draw " + (this.digit === 8 ? "an " : "a ") + this.digit +
        " on the pad, then Save.";
      this.showCount();
    }

    showCount() {
      const count = this.own.drawings.length;
      this.countView.textContent = count === 0 ? "No drawings kept." :
        count + (count === 1 ? " drawing" : " drawings") + " kept; your layer learned from them.";
    }

    /** Keep the drawing on the pad as the digit asked for, train, and ask for the next. */
    async save() {
      if (this.pad.reader.strokes.length === 0) {
        this.promptView.textContent = "Draw " + (this.digit === 8 ? "an " : "a ") + this.digit +
          " first.";
        return null;
      }
      if (!(await this.wake())) return null;
      const reading = await this.pad.reader.read();
      if (reading === null) return null;
      this.own.drawings.push({ label: this.digit, averages: reading.averages });
      this.train();
      this.pad.clear();
      this.next();
      return this.own.layer;
    }

    /** Train the reader's layer on every drawing kept, keep it, and give it to the pad. */
    train() {
      const { drawings } = this.own;
      this.own.layer = trainReaderLayer(drawings.map((d) => d.averages),
        drawings.map((d) => d.label), window.DIGIT_PAD_HEAD);
      keepOwn(this.own);
      this.pad.ownLayer = this.own.layer;
    }

    /** Forget every drawing and the layer: localStorage holds nothing of the pad's. */
    forget() {
      try {
        window.localStorage.removeItem(STORE_KEY);
      } catch (error) {
        console.warn("the pad cannot reach localStorage:", error);
      }
      this.own = { drawings: [], layer: null };
      this.pad.ownLayer = null;
      this.pad.show(this.pad.reader.reading);
      this.showCount();
    }
  }

  // --- what tests and benchmarks use ---------------------------------------------------------
  // window.digitPadWeb: strokesToMnist; pads, the DigitPads on the page, drawn at once; wake(),
  // which loads the model as a first touch does and returns `ready`: null until then, then a
  // promise of true (the model is loaded) or false (the page shows why not); then predict (the
  // model's, as loadModel gives it).  wokenAt and firstShownAt: the performance.now() of the
  // first touch and of the first prediction shown.  The time from each pen lift to its
  // prediction shown, in ms: `lifts` counts them, `timings` keeps the latest `timingsKept`.
  // panels: the TeachPanels, one under each pad; trainReaderLayer and storeKey, its
  // localStorage key.
  window.digitPadWeb = {
    strokesToMnist, wake: null, ready: null, pads: [], lifts: 0, timings: [], timingsKept: 1000,
    wokenAt: null, firstShownAt: null, panels: [], trainReaderLayer, storeKey: STORE_KEY,
  };

  function recordFirstReading() {
    const hook = window.digitPadWeb;
    if (hook.firstShownAt === null) hook.firstShownAt = performance.now();
  }

  function recordLatency(milliseconds) {
    const hook = window.digitPadWeb;
    hook.lifts += 1;
    hook.timings.push(milliseconds);
    if (hook.timings.length > hook.timingsKept) {
      hook.timings.splice(0, hook.timings.length - hook.timingsKept);
    }
  }

  /** Draw a pad in each placeholder; the model loads on the first touch of any of them. */
  function boot() {
    const placeholders = document.querySelectorAll(".digit-pad-web");
    if (placeholders.length === 0) return;
    const hook = window.digitPadWeb;
    const fail = (error) => {
      placeholders.forEach((placeholder) => showFailure(placeholder, error));
      return false;
    };
    if (typeof WebAssembly !== "object") {
      hook.ready = Promise.resolve(fail(new Error("this browser cannot run WebAssembly")));
      return;
    }
    hook.wake = () => {
      if (hook.ready === null) {
        hook.wokenAt = performance.now();
        hook.pads.forEach((pad) => pad.showLoading());
        hook.ready = loadModel().then((loaded) => {
          hook.predict = loaded;
          hook.pads.forEach((pad) => pad.woke());
          return true;
        }, fail);
      }
      return hook.ready;
    };
    const predict = async (pixels) => ((await hook.wake()) ? hook.predict(pixels) : null);
    placeholders.forEach((placeholder) => {
      const pad = new DigitPad(placeholder, predict, hook.wake);
      hook.pads.push(pad);
      hook.panels.push(new TeachPanel(placeholder, pad, hook.wake));
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();

// tfjs-core registers its gradient functions only on request (the union package does it).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
